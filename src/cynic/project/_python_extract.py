"""Collect a parsed Python file's `PythonFacts` from the few node classes they are made of.

The nodes come from the shared per-class index in the order of a depth-first walk of the module
(`_python_order`), with the entry to and exit from every class and function, so the collector
knows each node's enclosing scopes without walking the tree itself.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from operator import attrgetter

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.pyast import child_nodes, const_str, dotted_name, expression_text, keyword, last_name, nodes_of
from cynic.project._python_calls import Body, record_call
from cynic.project._python_classes import class_info
from cynic.project._python_functions import FunctionNode, declared_by_decorators, decorators_of, params_of
from cynic.project._python_order import Step, in_visit_order
from cynic.project._python_values import (
    SourceTexts,
    compare_side,
    dependencies_in,
    keyword_values,
    read_annotated,
    status_code_of,
    unwrap_annotation,
)
from cynic.project.python_facts import (
    Alias,
    AppOrRouter,
    Assignment,
    ClassInfo,
    Compare,
    Decorator,
    Function,
    Include,
    Middleware,
    PythonFacts,
    Route,
    StateAssign,
)

_ROLE_WORDS = lazy_compile(r"is_superuser|is_admin|is_staff|\.roles?\b|has_role|has_permission|\.user_type\b|\.scopes\b")
_OWNERSHIP_WORDS = lazy_compile(r"owner|author|created_by|user_id|\.id\b")
_DENIAL = lazy_compile(r"\bnot\b|!=")
_EQUALITIES = frozenset({ast.Eq, ast.NotEq, ast.Is, ast.IsNot})
_STATUS_NAMES = ("HTTP_", "TOO_MANY_REQUESTS")  # what `status_code_of` reads in an attribute's name
_SCOPES = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_BLOCK_PARTS = (ast.stmt, ast.excepthandler, ast.match_case)  # what holds statements in a block
_BLOCKS = frozenset({ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.TryStar, ast.Match,
                     ast.ExceptHandler, ast.match_case})  # the nodes that hold statements, functions and classes aside
_START = attrgetter("lineno", "col_offset")
_APP_CALLS = frozenset({"add_middleware", "Middleware", "include_router", "add_api_route"})
_APPS = ("FastAPI", "APIRouter")
_ASSIGNMENTS = (ast.Assign, ast.AnnAssign)
# Inside a function or class an assignment counts only when it makes an app (`FastAPI(...)`,
# `APIRouter(...)`) or sets app state (`app.state.limiter = ...`): an ASCII source spells those
# names as they are (others may spell them with letters that NFKC normalises).
_NESTED_ASSIGNMENT_WORDS = (*_APPS, "state")


class FactCollector:
    """Reads one module; `run(tree, text)` returns its facts."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.package = module.split(".") if is_package else module.split(".")[:-1]  # what `from .x` is in
        self.scope: list[str] = []  # enclosing class and function names
        self.bodies: list[Body] = []  # the bodies of the enclosing functions
        self.open_functions: list[tuple[str, tuple[Decorator, ...], Body]] = []
        self.chained: set[int] = set()
        self.imports: list[tuple[str, str]] = []
        self.assignments: list[Assignment] = []
        self.aliases: list[Alias] = []
        self.classes: list[ClassInfo] = []
        self.functions: list[Function] = []
        self.apps: list[AppOrRouter] = []
        self.includes: list[Include] = []
        self.middlewares: list[Middleware] = []
        self.states: list[StateAssign] = []
        self.routes: list[Route] = []

    def run(self, tree: ast.Module, text: str) -> PythonFacts:
        """The facts of `tree`, parsed from `text`."""
        self.texts = SourceTexts(tree, text)
        self.summarize = self.texts.summarize
        for node in _in_source_order(tree, ast.Import, ast.ImportFrom):
            (self.read_import if type(node) is ast.Import else self.read_import_from)(node)  # type: ignore[operator]
        self._read_assignments(tree, text)
        self._read_scoped(tree, text)
        return PythonFacts(
            module=self.module,
            is_package=self.is_package,
            imports=tuple(self.imports),
            assignments=tuple(self.assignments),
            aliases=tuple(self.aliases),
            classes=tuple(self.classes),
            functions=tuple(self.functions),
            apps=tuple(self.apps),
            includes=tuple(self.includes),
            middlewares=tuple(self.middlewares),
            states=tuple(self.states),
            routes=tuple(self.routes),
        )

    def _read_assignments(self, tree: ast.Module, text: str) -> None:
        """Every assignment, in source order; apps and app state wherever they are, names only at
        module level."""
        module_level = _module_statements(tree)
        if text.isascii() and not any(word in text for word in _NESTED_ASSIGNMENT_WORDS):
            assignments = sorted([node for node in module_level if type(node) in _ASSIGNMENTS], key=_START)
        else:
            assignments = _in_source_order(tree, *_ASSIGNMENTS)
        for node in assignments:
            for target in node.targets if type(node) is ast.Assign else [node.target]:  # type: ignore[attr-defined]
                if node.value is not None:  # type: ignore[attr-defined]
                    self._assigned(target, node.value, node.lineno, node in module_level)  # type: ignore[attr-defined]

    def _read_scoped(self, tree: ast.Module, text: str) -> None:
        """The nodes whose facts depend on their enclosing class or function, with those scopes."""
        read = {
            ast.If: self.read_if, ast.Return: self.read_return, ast.Compare: self.read_compare,
            ast.Attribute: self.read_attribute, ast.Call: self.read_call,
        }
        steps = {
            Step.ENTER_FUNCTION: self.enter_function, Step.END_OF_BODY: self.end_of_body,
            Step.EXIT_FUNCTION: self.exit_function, Step.ENTER_CLASS: self.enter_class, Step.EXIT_CLASS: self.exit_class,
        }
        node_step = Step.NODE
        for _, step, node in in_visit_order(tree, _scoped_nodes(tree, text)):
            if step is node_step:
                read[type(node)](node)  # type: ignore[operator]
            else:
                steps[step](node)  # type: ignore[operator]

    # imports -------------------------------------------------------------------------------
    def read_import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.imports.append((alias.asname, alias.name))
            else:
                first = alias.name.split(".")[0]
                self.imports.append((first, first))

    def read_import_from(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node.module, node.level)
        for alias in node.names:
            name = alias.name
            if name != "*":
                self.imports.append((alias.asname or name, f"{base}.{name}" if base else name))

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        package = self.package[: len(self.package) - (level - 1)] if level > 1 else self.package
        return ".".join([*package, module] if module else package)

    # definitions ---------------------------------------------------------------------------
    def enter_class(self, node: ast.ClassDef) -> None:
        self.classes.append(class_info(node, ".".join([*self.scope, node.name]), self.texts))
        self.scope.append(node.name)

    def exit_class(self, node: ast.ClassDef) -> None:
        self.scope.pop()

    def enter_function(self, node: FunctionNode) -> None:
        name = ".".join([*self.scope, node.name])
        decorators = decorators_of(node, self.summarize)
        middlewares, routes = declared_by_decorators(node, name)
        self.middlewares.extend(middlewares)
        self.routes.extend(routes)
        self.scope.append(node.name)
        body = Body()
        self.bodies.append(body)
        self.open_functions.append((name, decorators, body))

    def end_of_body(self, node: FunctionNode) -> None:
        """The body is read; the defaults that follow belong to the enclosing scope."""
        self.bodies.pop()
        self.scope.pop()

    def exit_function(self, node: FunctionNode) -> None:
        name, decorators, body = self.open_functions.pop()
        self.functions.append(
            Function(
                name=name,
                line=node.lineno,
                params=params_of(node.args, self.texts),
                decorators=decorators,
                calls=tuple(body.calls),
                lookups=tuple(body.lookups),
                compares=tuple(body.compares),
                role_checks=tuple(body.role_checks),
                status_codes=tuple(sorted(body.status_codes)),
                returns=tuple(body.returns),
            )
        )

    # statements ----------------------------------------------------------------------------
    def _assigned(self, target: ast.expr, value: ast.expr, line: int, module_level: bool) -> None:
        if not module_level and type(target) is not ast.Attribute and (type(value) is not ast.Call or last_name(value.func) not in _APPS):  # type: ignore[attr-defined]
            return  # neither an app, nor app state (`app.state.x`), nor a module name
        target_name = dotted_name(target)
        if target_name is None:
            return
        if type(value) is ast.Call and last_name(value.func) in _APPS:
            prefix = keyword(value, "prefix")
            self.apps.append(
                AppOrRouter(
                    name=target_name,
                    line=value.lineno,
                    is_app=last_name(value.func) == "FastAPI",
                    prefix=self.summarize(prefix) if prefix is not None else None,
                    dependencies=dependencies_in(keyword(value, "dependencies")),
                )
            )
        parts = target_name.split(".")
        if len(parts) == 3 and parts[1] == "state":
            self.states.append(StateAssign(parts[0], parts[2], self.summarize(value), line))
        if not (module_level and type(target) is ast.Name):
            return
        _, metadata = unwrap_annotation(value)
        if metadata:
            _, type_refs, dependency, source = read_annotated(value)
            self.aliases.append(Alias(target.id, line, type_refs, dependency, source))
        self.assignments.append(Assignment(target.id, line, self.summarize(value)))

    def read_if(self, node: ast.If) -> None:
        """An `if` whose body raises: a role check when its test reads a role and denies."""
        if self.bodies:
            test = expression_text(node.test)
            if _ROLE_WORDS.search(test) and _DENIAL.search(test) and not _OWNERSHIP_WORDS.search(test):
                self.bodies[-1].role_checks.append((node.lineno, test))

    def read_return(self, node: ast.Return) -> None:
        """A `return` of a call."""
        if self.bodies:
            self.bodies[-1].returns.append(dotted_name(node.value.func) or "")  # type: ignore[union-attr]

    def read_compare(self, node: ast.Compare) -> None:
        if self.bodies:
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                if type(op) in _EQUALITIES:
                    self.bodies[-1].compares.append(Compare(node.lineno, compare_side(left), compare_side(right)))
                left = right

    def read_attribute(self, node: ast.Attribute) -> None:
        code = status_code_of(node)
        if self.bodies and code is not None:
            self.bodies[-1].status_codes.add(code)

    # calls ---------------------------------------------------------------------------------
    def read_call(self, node: ast.Call) -> None:
        func = node.func
        if not self.bodies and not _may_declare_app_parts(func):
            return  # a call outside functions only counts as one of the app methods below
        callee = dotted_name(func)
        kind = type(func)
        if kind is ast.Attribute:
            attr: str | None = func.attr  # type: ignore[attr-defined]
            last = attr if callee else None
        else:
            attr = None
            last = callee if kind is ast.Name else callee.rsplit(".", 1)[-1] if callee else None
        if (attr or last) in _APP_CALLS:
            self._app_call(node, attr, last, callee[: -len(attr) - 1] if callee and attr else "")
        if self.bodies and callee:
            record_call(self.bodies[-1], node, callee, last, self.chained, self.texts)  # type: ignore[arg-type]

    def _app_call(self, node: ast.Call, attr: str | None, last: str | None, owner: str) -> None:
        """A call that may add middleware, include a router or add a route to `owner` (the
        callee's `attr` or `last` name is one of theirs)."""
        if attr == "add_middleware" and node.args:
            self.middlewares.append(Middleware(owner, dotted_name(node.args[0]) or "", node.lineno, keyword_values(node, self.summarize)))
        elif last == "Middleware" and node.args:
            self.middlewares.append(Middleware("", dotted_name(node.args[0]) or "", node.lineno, keyword_values(node, self.summarize)))
        elif attr == "include_router" and node.args:
            prefix = keyword(node, "prefix")
            deps = dependencies_in(keyword(node, "dependencies"))
            child = dotted_name(node.args[0]) or ""
            self.includes.append(Include(owner, child, node.lineno, self.summarize(prefix) if prefix else None, deps))
        elif attr == "add_api_route" and len(node.args) >= 2:
            self._api_route(node, owner)

    def _api_route(self, node: ast.Call, owner: str) -> None:
        path, endpoint = const_str(node.args[0]), dotted_name(node.args[1])
        methods = keyword(node, "methods")
        names = [const_str(m) for m in methods.elts] if type(methods) in (ast.List, ast.Tuple) else ["GET"]
        deps = dependencies_in(keyword(node, "dependencies"))
        for method in names:
            if path is not None and endpoint and method:
                self.routes.append(Route(owner, method.upper(), path, endpoint, node.lineno, deps))


def _may_declare_app_parts(func: ast.expr) -> bool:
    """Whether a call of `func` can be `app.add_middleware`, `Middleware(...)`, `include_router` or
    `add_api_route` (read below by the last name of what is called)."""
    if type(func) is ast.Attribute:
        return func.attr in _APP_CALLS  # type: ignore[attr-defined]
    return type(func) is ast.Name and func.id == "Middleware"  # type: ignore[attr-defined]


def _scoped_nodes(tree: ast.Module, text: str) -> list[ast.AST]:
    """The nodes whose facts depend on the function they are in: calls (also read outside any
    function, for apps' middleware, routers and routes), equality tests, `if`s whose body raises,
    returns of a call, and the attributes that can name an HTTP status (`status.HTTP_404_NOT_FOUND`,
    `HTTPStatus.TOO_MANY_REQUESTS`)."""
    raises = sorted(map(_START, nodes_of(tree, ast.Raise)))
    nodes = [*nodes_of(tree, ast.Compare), *nodes_of(tree, ast.Call)]  # in this order: see `in_visit_order`
    nodes.extend(node for node in nodes_of(tree, ast.If) if _raises_in(node.body, raises))  # type: ignore[attr-defined]
    nodes.extend(node for node in nodes_of(tree, ast.Return) if type(node.value) is ast.Call)  # type: ignore[attr-defined]
    # An ASCII source spells its attribute names as they are; others may be normalised (NFKC).
    if any(name in text for name in _STATUS_NAMES) or not text.isascii():
        nodes.extend(node for node in nodes_of(tree, ast.Attribute) if node.attr.startswith(_STATUS_NAMES))  # type: ignore[attr-defined]
    return nodes


def _raises_in(body: list[ast.stmt], raises: list[tuple[int, int]]) -> bool:
    """True when a `raise` statement (of these, by start) is among or inside these statements."""
    first, last = body[0], body[-1]
    at = bisect_left(raises, (first.lineno, first.col_offset))
    return at < len(raises) and raises[at] < (last.end_lineno, last.end_col_offset)  # type: ignore[operator]


def _in_source_order(tree: ast.Module, *kinds: type[ast.stmt]) -> list[ast.AST]:
    """The statements of these classes in source order, which is the order of a walk."""
    return sorted([node for kind in kinds for node in nodes_of(tree, kind)], key=_START)


def _module_statements(tree: ast.Module) -> set[ast.AST]:
    """The statements outside every function and class, in blocks (`if`, `try`...) too."""
    found: set[ast.AST] = set()
    todo: list[ast.AST] = list(tree.body)
    while todo:
        node = todo.pop()
        if type(node) not in _SCOPES:
            found.add(node)
            if type(node) in _BLOCKS:
                todo.extend(child for child in child_nodes(node) if isinstance(child, _BLOCK_PARTS))
    return found
