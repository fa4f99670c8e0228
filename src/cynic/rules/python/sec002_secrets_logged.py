"""SEC002: the settings object, secrets and all, sent to a log, stdout or an HTTP response."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import replace
from operator import attrgetter

from cynic.models import Severity
from cynic.parsing.pyast import FunctionNode, call_name, functions, last_name, nodes_of, scope_nodes, walk
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._mentions import Mentions
from cynic.rules.python._routes import is_route
from cynic.rules.python._settings import SettingsNames, is_secret_field, settings_names
from cynic.source import FileKind, SourceFile

_MENTIONS = Mentions("settings", "config", "cfg", r"conf\b")  # cheap text filter before the tree walk
_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log", "msg"})
_PRINTERS = frozenset({"print", "pprint", "pp", "rich.print", "console.print", "console.log"})
_ID, _ATTR = attrgetter("id"), attrgetter("attr")
_OUTPUT_METHODS = _LOG_METHODS | {name.rpartition(".")[2] for name in _PRINTERS}
_DUMPS = frozenset({"model_dump", "dict", "model_dump_json", "json", "to_dict"})
_WRAPPERS = frozenset({"vars", "dict", "str", "repr", "jsonable_encoder"})


class SecretsLogged(FileRule):
    """The settings object, which holds secrets, is logged, printed or returned whole.

    ## What it does
    Flags a settings object (imported from a config module, built from a `BaseSettings` class,
    returned by `get_settings()` or injected with `Depends(get_settings)`) that is passed whole,
    or dumped (`model_dump()`, `dict()`, `vars()`, `__dict__`), to a logger or `print`, also
    inside an f-string or `%`-formatting, or returned whole from a route. Logging one field
    (`settings.ENVIRONMENT`) is fine, and so is a settings class of the same file whose secret
    fields are all `SecretStr`, a `model_dump(include={...})` of non-secret fields only, and a
    `model_dump(exclude={...})` that leaves out the secret fields (all of them, when the class is
    in the same file; some, when it is not and cannot be read).

    ## Why is this bad?
    Settings hold the JWT signing key, database password and API keys. Logs are shipped to
    aggregators, kept for months and read by many people; an endpoint returning settings hands
    them to anyone who calls it (CWE-532). One leaked signing key lets an attacker mint tokens
    for any user.

    ## Example
    ```python app/main.py
    from app.core.config import settings

    logger.info("starting with %s", settings)
    ```

    ## Use instead
    ```python app/main.py
    from app.core.config import settings

    logger.info("starting %s in %s", settings.PROJECT_NAME, settings.ENVIRONMENT)
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/532.html
    - https://docs.pydantic.dev/latest/concepts/types/#secret-types
    """

    code = "SEC002"
    name = "secrets-logged"
    severity = Severity.MEDIUM
    cwe = (532,)
    fix = "Log or return only the non-secret fields you need (`settings.ENVIRONMENT`), and type secret fields as `SecretStr`."
    kinds = frozenset({FileKind.PYTHON})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if not _MENTIONS.found_in(source.text):
            return
        module_names = settings_names(source.tree)
        if not (module_names.objects or module_names.classes or module_names.getters or module_names.modules):
            return
        in_functions = [(f, module_names.with_parameters(f)) for f in functions(source.tree)]
        if not _may_leak(source.tree, module_names, in_functions):
            return
        scopes: list[tuple[ast.AST, SettingsNames, bool]] = [(source.tree, module_names, False)]
        scopes += [(f, names, is_route(f)) for f, names in in_functions]
        for scope, names, route in scopes:
            for node in scope_nodes(scope):
                if isinstance(node, ast.Call) and _is_output(node) and any(_leaks(a, names) for a in _arguments(node)):
                    yield self.hit(source.path, node.lineno, "The settings object, secrets included, is logged or printed.")
                elif route and isinstance(node, ast.Return) and _leaks(node.value, names):
                    yield self.hit(source.path, node.lineno, "A route returns the settings object, secrets included.")


def _may_leak(tree: ast.Module, module_names: SettingsNames, in_functions: list[tuple[FunctionNode, SettingsNames]]) -> bool:
    """Whether some output call, or some return when the file has routes, mentions the settings object.

    A necessary condition, read from the module's node index before any scope is listed: `_leaks`
    is true only through `is_settings` of a part of the expression, whichever scope's names it is
    given. Most files that import the settings never name the object itself, only its fields
    elsewhere or nowhere, and few calls print or log anything that mentions it.
    """
    anywhere = replace(module_names, objects=module_names.objects.union(*(names.objects for _, names in in_functions)))
    if not _names_settings(tree, anywhere):
        return False
    logged = [argument for call in nodes_of(tree, ast.Call) if _is_output(call) for argument in _arguments(call)]  # type: ignore[arg-type]
    if _mentions_settings(logged, anywhere):
        return True
    returned = [node.value for node in nodes_of(tree, ast.Return)]  # type: ignore[attr-defined]
    return _mentions_settings(returned, anywhere) and any(is_route(function) for function, _ in in_functions)


def _names_settings(tree: ast.Module, names: SettingsNames) -> bool:
    """Whether the module holds a name or attribute that `is_settings` could accept: the object,
    a config module, or a getter (`get_settings()`, `config.get_settings()`)."""
    if not (names.objects | names.modules | names.getters).isdisjoint(map(_ID, nodes_of(tree, ast.Name))):
        return True
    return bool(names.getters) and not names.getters.isdisjoint(map(_ATTR, nodes_of(tree, ast.Attribute)))


def _mentions_settings(expressions: list[ast.expr | None], names: SettingsNames) -> bool:
    return any(names.is_settings(node) for expression in expressions if expression is not None for node in walk(expression))


def _is_output(call: ast.Call) -> bool:
    func = call.func
    if not ((isinstance(func, ast.Attribute) and func.attr in _OUTPUT_METHODS) or (isinstance(func, ast.Name) and func.id in _PRINTERS)):
        return False  # the cheap test first: a printer's or a log method's own name
    name = call_name(call) or ""
    if name in _PRINTERS:
        return True
    receiver, _, method = name.rpartition(".")
    return method in _LOG_METHODS and "log" in receiver.rsplit(".", 1)[-1].lower()


def _arguments(call: ast.Call) -> list[ast.expr]:
    return [*call.args, *(kw.value for kw in call.keywords)]


def _leaks(node: ast.AST | None, names: SettingsNames) -> bool:
    """True when the expression carries the whole settings object."""
    if node is None:
        return False
    if names.is_settings(node):
        return True
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _DUMPS and names.is_settings(func.value):
            return not _hides_secrets(node, names)
        if last_name(func) in _WRAPPERS and any(_leaks(a, names) for a in node.args):
            return True
        if isinstance(func, ast.Attribute) and func.attr == "format":
            return any(_leaks(a, names) for a in _arguments(node))
        return False
    if isinstance(node, ast.Attribute):
        return node.attr == "__dict__" and names.is_settings(node.value)
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) and _leaks(v.value, names) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _leaks(node.left, names) or _leaks(node.right, names)
    if isinstance(node, (ast.Tuple, ast.List)):
        return any(_leaks(e, names) for e in node.elts)
    if isinstance(node, ast.Dict):
        return any(_leaks(v, names) for v in node.values)
    return False


def _hides_secrets(dump: ast.Call, names: SettingsNames) -> bool:
    """`model_dump(include={non-secret fields})`, or `model_dump(exclude={the secret fields})`."""
    include, exclude = _field_names(_keyword(dump, "include")), _field_names(_keyword(dump, "exclude"))
    if include is not None:
        return not any(is_secret_field(name) for name in include)
    if exclude is None:
        return False
    if names.secret_fields is not None:
        return names.secret_fields <= exclude
    return any(is_secret_field(name) for name in exclude)


def _keyword(call: ast.Call, name: str) -> ast.keyword | None:
    return next((kw for kw in call.keywords if kw.arg == name), None)


def _field_names(keyword: ast.keyword | None) -> set[str] | None:
    """The names of a literal `{"A", "B"}` / `["A"]` / `{"A": True}`; None for anything else."""
    node = keyword.value if keyword is not None else None
    elements = node.keys if isinstance(node, ast.Dict) else node.elts if isinstance(node, (ast.Set, ast.List, ast.Tuple)) else None
    if elements is None or not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in elements):
        return None
    return {e.value for e in elements}  # type: ignore[union-attr]
