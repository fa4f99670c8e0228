"""VAL001: a route reads its request body without a Pydantic model."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from operator import attrgetter

from cynic.models import Severity
from cynic.parsing.pyast import FunctionNode, call_name, last_name, nodes_of, scope_nodes
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._routes import route_functions
from cynic.source import FileKind, SourceFile

_LOOSE = frozenset({"dict", "Dict", "Any", "Mapping", "MutableMapping", "object", "Json", "JsonValue"})
_CONTAINERS = frozenset({"list", "List", "Sequence", "set", "Set", "tuple", "Tuple"})
_NOT_BODY = frozenset({"Depends", "Security", "Query", "Header", "Cookie", "Path", "File", "Form", "UploadFile"})
_WRAPPERS = frozenset({"Optional", "Union"})
_HAND_PARSERS = frozenset({"json", "form"})
_HAND_READ_METHODS = _HAND_PARSERS | {"loads"}
_ATTR = attrgetter("attr")


class UnvalidatedRequestBody(FileRule):
    """A request body taken as `dict`/`Any` or read by hand instead of through a Pydantic model.

    ## What it does
    In route handlers (`@app.post`, `@router.put`, `@<any>.api_route`...), flags a parameter
    typed `dict`, `dict[str, Any]`, `Any`, `Mapping`, `list[dict]` (also inside `Annotated[...]`
    or `Optional[...]`), an untyped `= Body(...)` parameter, and a body read by hand with
    `await request.json()`, `await request.form()` or `json.loads(await request.body())`.
    Dependencies (`= Depends(...)`), query/path/header parameters, `Form()` scalars and
    `UploadFile` are not bodies. Middleware is not a route and is not flagged.

    ## Why is this bad?
    An unvalidated body lets any field, type and size through to the database and business
    logic: mass assignment of `is_superuser`, type confusion, injection payloads in fields no one
    expected (CWE-20). The rulebook requires every payload to be validated by a Pydantic v2
    schema, which also documents the API and rejects unknown fields.

    ## Example
    ```python
    @router.put("/items/{item_id}")
    def update_item(item_id: int, payload: dict) -> Item:
        return crud.update_item(item_id, payload)
    ```

    ## Use instead
    ```python
    class ItemUpdate(BaseModel):
        model_config = ConfigDict(extra="forbid")
        title: str | None = None

    @router.put("/items/{item_id}")
    def update_item(item_id: int, payload: ItemUpdate) -> Item:
        return crud.update_item(item_id, payload)
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/20.html
    - https://fastapi.tiangolo.com/tutorial/body/
    """

    code = "VAL001"
    name = "unvalidated-request-body"
    severity = Severity.MEDIUM
    cwe = (20,)
    fix = "Declare the body as a Pydantic v2 model (with `extra='forbid'`) and take it as a typed parameter instead of a dict, Any or request.json()."
    kinds = frozenset({FileKind.PYTHON})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        routes = list(route_functions(source.tree))
        if not routes:
            return
        # a body read by hand is a call of `.json()`, `.form()` or `json.loads()`: most files have none
        reads_by_hand = not _HAND_READ_METHODS.isdisjoint(map(_ATTR, nodes_of(source.tree, ast.Attribute)))
        for route in routes:
            for param, default in _parameters(route):
                if _loose_body(param.annotation, default):
                    yield self.hit(source.path, param.lineno, f"Request body `{param.arg}` is not validated by a Pydantic model.")
            if reads_by_hand:
                yield from (self.hit(source.path, line, message) for line, message in _hand_reads(route))


def _parameters(function: FunctionNode) -> Iterator[tuple[ast.arg, ast.expr | None]]:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    yield from zip(positional, defaults)
    yield from zip(args.kwonlyargs, args.kw_defaults)


def _loose_body(annotation: ast.expr | None, default: ast.expr | None) -> bool:
    marker = last_name(default.func) if isinstance(default, ast.Call) else None
    if marker in _NOT_BODY:
        return False
    if annotation is None:
        return marker == "Body"
    return _loose(annotation)


def _loose(node: ast.expr) -> bool:
    """True when the type lets any shape of data through."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _loose(node.left) or _loose(node.right)
    if isinstance(node, ast.Subscript):
        base = last_name(node.value)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Annotated":
            extras = {last_name(e.func) for e in items[1:] if isinstance(e, ast.Call)}
            return not (extras & _NOT_BODY) and _loose(items[0])
        if base in _WRAPPERS or base in _CONTAINERS:
            return any(_loose(item) for item in items if not (isinstance(item, ast.Constant) and item.value in (None, ...)))
        return base in _LOOSE
    return last_name(node) in _LOOSE


def _hand_reads(route: FunctionNode) -> Iterator[tuple[int, str]]:
    """`await request.json()` / `.form()`, and `json.loads(await request.body())`, on a Request parameter."""
    requests = {a.arg for a in (*route.args.args, *route.args.kwonlyargs) if last_name(a.annotation) == "Request" or a.arg in ("request", "req")}
    raw_bodies: set[str] = set()
    for node in scope_nodes(route):
        if isinstance(node, ast.Assign) and _reads(node.value, requests, {"body"}):
            raw_bodies.update(t.id for t in node.targets if isinstance(t, ast.Name))
        if not isinstance(node, ast.Call):
            continue
        if _reads(node, requests, _HAND_PARSERS):
            yield node.lineno, "Request body parsed by hand instead of validated by a Pydantic model."
        elif (call_name(node) or "").endswith("json.loads") and node.args:
            raw = node.args[0]
            if _reads(raw, requests, {"body"}) or (isinstance(raw, ast.Name) and raw.id in raw_bodies):
                yield node.lineno, "Request body parsed by hand instead of validated by a Pydantic model."


def _reads(node: ast.AST | None, requests: set[str], methods: set[str] | frozenset[str]) -> bool:
    if isinstance(node, ast.Await):
        node = node.value
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in methods
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in requests
    )
