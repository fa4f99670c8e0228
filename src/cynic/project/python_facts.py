"""What one Python file tells the project model: small, picklable facts, no parse trees.

The collector in `_python_extract` fills these from the tree the audit already parsed. Names are
kept as written (`crud.get_item`, `settings.BACKEND_CORS_ORIGINS`) together with the file's
imports, so that `project.fastapi` can resolve them across modules once, for the whole project.

Every fact is a `Fact` (see `cynic.project`): frozen, hashed and compared by value. A module's
facts travel (from a worker process, into the cache) as one msgpack message (`PythonFacts.__reduce__`).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec

from cynic.project import Fact
from cynic.source import SourceFile


class PythonFact(Fact, array_like=True):
    """The base of the Python facts: encoded as arrays of their fields, without the field names."""


class Value(PythonFact):
    """An expression, summarised: its literal value if it has one, the names it reads, its text."""

    text: str
    literal: object = ...  # str, bool, int, None or a tuple of those; `...` when not a literal
    refs: tuple[str, ...] = ()  # dotted names read: ("settings.BACKEND_CORS_ORIGINS",)
    call: str | None = None  # the callee when the expression is a call: "os.getenv"
    reads_env: bool = False  # reads `os.environ` / `os.getenv` somewhere inside

    def __post_init__(self) -> None:
        """A literal decoded from msgpack has lists where it had tuples: they are tuples again."""
        if self.literal.__class__ is list:
            msgspec.structs.force_setattr(self, "literal", _tuples(self.literal))


class Dependency(PythonFact):
    """A `Depends(x)` / `Security(x)`: the callable as written and the whole expression's text."""

    target: str  # "get_current_user", "require_role", "RateLimiter"
    text: str  # "require_role(Role.ADMIN)"
    line: int


class Param(PythonFact):
    """A function parameter with its annotation unwrapped from `Annotated[...]`."""

    name: str
    annotation: str | None  # the base type's text: "Item", "list[ItemCreate]", "CurrentUser"
    type_refs: tuple[str, ...]  # dotted names in the base type: ("list", "ItemCreate")
    dependency: Dependency | None  # from the default or the `Annotated` metadata
    source: str | None  # "query", "path", "body", "form", "header", "cookie", "file" from Query()...


class Call(PythonFact):
    """A call made inside a function, with the names each argument reads."""

    callee: str  # as written: "crud.get_item", "self.repo.get", "ItemService().get"
    line: int
    args: tuple[tuple[str, ...], ...]
    kwargs: tuple[tuple[str, tuple[str, ...]], ...]


class Lookup(PythonFact):
    """A database read/update/delete of one model: `session.get(Item, id)`, `select(Item).where(...)`."""

    line: int
    model: str | None  # "Item", or None for a collection lookup (`find_one({...})`)
    keys: tuple[str, ...]  # dotted names the lookup's arguments read


class Compare(PythonFact):
    """An equality test, or a keyword argument that filters: `Item.owner_id == user.id`, `owner_id=uid`."""

    line: int
    left: str | None  # dotted name, "<const>" for literals, None for anything else
    right: str | None


class Decorator(PythonFact):
    name: str  # "router.get", "limiter.limit"
    line: int
    args: tuple[Value, ...]
    kwargs: tuple[tuple[str, Value], ...]


class Function(PythonFact):
    """A function or method and what its body does that the access-control rules care about."""

    name: str  # qualified within its module: "get_item", "ItemService.get_item", "require_role.checker"
    line: int
    params: tuple[Param, ...]
    decorators: tuple[Decorator, ...]
    calls: tuple[Call, ...]
    lookups: tuple[Lookup, ...]
    compares: tuple[Compare, ...]
    role_checks: tuple[tuple[int, str], ...]  # (line, test text) of `if <role test>: raise`
    status_codes: tuple[int, ...]  # HTTP status codes the body names (429 marks a rate limiter)
    returns: tuple[str, ...]  # callees of returned calls: get_settings() -> ("Settings",)


class Field(PythonFact):
    """A class-level attribute: annotated field, plain assignment or enum member."""

    name: str
    line: int
    annotation: str | None
    refs: tuple[str, ...]  # names read by the annotation and the value
    default: Value | None


class ClassInfo(PythonFact):
    """A class: bases as written, pydantic/SQLModel configuration, fields, computed fields."""

    name: str
    line: int
    bases: tuple[str, ...]
    keywords: tuple[tuple[str, Value], ...]  # table=True, extra="forbid"
    fields: tuple[Field, ...]
    extra: str | None  # "forbid" / "ignore" / "allow" when the class itself sets it
    env_file: bool  # settings configured to read a .env file
    has_tablename: bool
    computed: tuple[tuple[str, tuple[str, ...]], ...]  # property name -> names it reads
    attr_types: tuple[tuple[str, str], ...]  # self.repo -> "ItemRepository" (from __init__)


class Alias(PythonFact):
    """`CurrentUser = Annotated[User, Depends(get_current_user)]` at module level."""

    name: str
    line: int
    type_refs: tuple[str, ...]
    dependency: Dependency | None
    source: str | None


class Assignment(PythonFact):
    name: str
    line: int
    value: Value


class AppOrRouter(PythonFact):
    """`app = FastAPI(...)` or `router = APIRouter(prefix=..., dependencies=[...])`."""

    name: str
    line: int
    is_app: bool
    prefix: Value | None
    dependencies: tuple[Dependency, ...]


class Include(PythonFact):
    """`parent.include_router(child, prefix=..., dependencies=[...])`."""

    parent: str
    child: str
    line: int
    prefix: Value | None
    dependencies: tuple[Dependency, ...]


class Middleware(PythonFact):
    """`app.add_middleware(Cls, **kwargs)`, `Middleware(Cls, ...)` or `@app.middleware("http")`."""

    target: str  # the app as written ("app"); "" for `Middleware(...)` in FastAPI(middleware=[...])
    cls: str  # "CORSMiddleware", "SlowAPIMiddleware", or the function name of an http middleware
    line: int
    kwargs: tuple[tuple[str, Value], ...]


class StateAssign(PythonFact):
    """`app.state.limiter = limiter`."""

    target: str
    attr: str
    value: Value
    line: int


class Route(PythonFact):
    """`@router.get("/items/{id}")` on a handler, or `router.add_api_route(...)`."""

    router: str
    method: str
    path: str
    function: str
    line: int  # the route decorator's line
    dependencies: tuple[Dependency, ...]


class PythonFacts(PythonFact):
    """Everything one Python module contributes to the project model."""

    module: str
    is_package: bool
    imports: tuple[tuple[str, str], ...]  # local name -> qualified name it stands for
    assignments: tuple[Assignment, ...]
    aliases: tuple[Alias, ...]
    classes: tuple[ClassInfo, ...]
    functions: tuple[Function, ...]
    apps: tuple[AppOrRouter, ...]
    includes: tuple[Include, ...]
    middlewares: tuple[Middleware, ...]
    states: tuple[StateAssign, ...]
    routes: tuple[Route, ...]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as one msgpack message, which costs a sixth of pickling struct by struct; a
        module whose literals msgpack cannot hold (`2**70`, `1j`, a lone surrogate) is pickled so."""
        try:
            return _from_message, (_ENCODER.encode(self),)
        except (TypeError, OverflowError, UnicodeEncodeError):
            return super().__reduce__()


_ELLIPSIS = 1  # the msgpack extension code of `...`, the literal of a value that has none


def _encode_ellipsis(value: object) -> msgspec.msgpack.Ext:
    if value is ...:
        return msgspec.msgpack.Ext(_ELLIPSIS, b"")
    raise TypeError(f"no msgpack form for {type(value).__name__}")


def _decode_extension(code: int, data: memoryview) -> object:
    return ...


_ENCODER = msgspec.msgpack.Encoder(enc_hook=_encode_ellipsis)


@cache
def _decoder() -> msgspec.msgpack.Decoder[PythonFacts]:
    """Made on first use: it reads every fact's type hints, and a process that only writes facts
    (a warm audit whose edit leaves them as they were) never needs it."""
    return msgspec.msgpack.Decoder(PythonFacts, ext_hook=_decode_extension)


def _from_message(message: bytes) -> PythonFacts:
    return _decoder().decode(message)


def _tuples(value: object) -> object:
    return tuple(_tuples(item) for item in value) if value.__class__ is list else value  # type: ignore[attr-defined]


def module_name(path: str) -> tuple[str, bool]:
    """The dotted module a file path stands for, and whether it is a package `__init__`."""
    parts = path.removesuffix(".pyi").removesuffix(".py").split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts).replace("-", "_"), is_package


def extract_python_facts(source: SourceFile) -> PythonFacts:
    """The facts of one parsed Python file."""
    from cynic.project._python_extract import FactCollector

    module, is_package = module_name(source.path)
    return FactCollector(module, is_package).run(source.tree, source.text)
