"""One `ast` pass over a parsed Python file that collects its `PythonFacts`."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from cynic.parsing.pyast import NodeVisitor, argument, call_name, const_str, dotted_name, expression_text, keyword, last_name, walk
from cynic.project._python_classes import class_info
from cynic.project._python_sql import sql_lookup
from cynic.project._python_values import (
    compare_side,
    dependencies_in,
    dependency_of,
    param_source,
    read_annotated,
    refs_of,
    status_code_of,
    summarize,
    unwrap_annotation,
)
from cynic.project.python_facts import (
    Alias,
    AppOrRouter,
    Assignment,
    Call,
    ClassInfo,
    Compare,
    Decorator,
    Function,
    Include,
    Lookup,
    Middleware,
    Param,
    PythonFacts,
    Route,
    StateAssign,
    Value,
)

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
_KEYED_QUERY_STEPS = frozenset({"where", "filter", "filter_by", "get", "get_or_404", "first_or_404", "values"})
_MODEL_METHODS = frozenset(
    {"get", "get_or_none", "get_or_404", "filter", "filter_by", "find_one", "find", "get_by_id", "find_by_id", "objects"}
)
_COLLECTION_METHODS = frozenset({"find_one", "find_one_and_update", "find_one_and_delete", "delete_one", "update_one", "replace_one"})
_ROLE_WORDS = re.compile(r"is_superuser|is_admin|is_staff|\.roles?\b|has_role|has_permission|\.user_type\b|\.scopes\b")
_OWNERSHIP_WORDS = re.compile(r"owner|author|created_by|user_id|\.id\b")
_DENIAL = re.compile(r"\bnot\b|!=")


@dataclass
class _Body:
    """What a function's body does, collected while the visitor walks it."""

    calls: list[Call] = field(default_factory=list)
    lookups: list[Lookup] = field(default_factory=list)
    compares: list[Compare] = field(default_factory=list)
    role_checks: list[tuple[int, str]] = field(default_factory=list)
    status_codes: set[int] = field(default_factory=set)
    returns: list[str] = field(default_factory=list)


class FactVisitor(NodeVisitor):
    """Walks a module once; `run(tree)` returns its facts."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module = module
        self.is_package = is_package
        self.scope: list[str] = []  # enclosing class and function names
        self.bodies: list[_Body] = []
        self.in_function = 0
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

    def run(self, tree: ast.Module) -> PythonFacts:
        self.visit(tree)
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

    # imports -------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.imports.append((alias.asname, alias.name))
            else:
                first = alias.name.split(".")[0]
                self.imports.append((first, first))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = self._absolute(node.module, node.level)
        for alias in node.names:
            if alias.name != "*":
                self.imports.append((alias.asname or alias.name, f"{base}.{alias.name}" if base else alias.name))

    def _absolute(self, module: str | None, level: int) -> str:
        if not level:
            return module or ""
        package = self.module.split(".") if self.is_package else self.module.split(".")[:-1]
        package = package[: len(package) - (level - 1)] if level > 1 else package
        return ".".join([*package, module] if module else package)

    # definitions ---------------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(class_info(node, ".".join([*self.scope, node.name])))
        self.scope.append(node.name)
        self.generic_visit(node)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        name = ".".join([*self.scope, node.name])
        decorators = tuple(_decorator(d) for d in node.decorator_list)
        self._routes_of(node, name)
        self.scope.append(node.name)
        self.bodies.append(_Body())
        self.in_function += 1
        for statement in node.body:
            self.visit(statement)
        self.in_function -= 1
        body = self.bodies.pop()
        self.scope.pop()
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self.functions.append(
            Function(
                name=name,
                line=node.lineno,
                params=_params(node.args),
                decorators=decorators,
                calls=tuple(body.calls),
                lookups=tuple(body.lookups),
                compares=tuple(body.compares),
                role_checks=tuple(body.role_checks),
                status_codes=tuple(sorted(body.status_codes)),
                returns=tuple(body.returns),
            )
        )

    visit_AsyncFunctionDef = visit_FunctionDef

    def _routes_of(self, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> None:
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            owner, attr = dotted_name(decorator.func.value) or "", decorator.func.attr
            if attr == "middleware" and const_str(argument(decorator, 0, "middleware_type")) == "http":
                self.middlewares.append(Middleware(owner, name, decorator.lineno, ()))
            methods = _route_methods(decorator, attr)
            path = const_str(argument(decorator, 0, "path"))
            for method in methods if path is not None else ():
                deps = dependencies_in(keyword(decorator, "dependencies"))
                self.routes.append(Route(owner, method, path or "", name, decorator.lineno, deps))

    # statements ----------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._assigned(target, node.value, node.lineno)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._assigned(node.target, node.value, node.lineno)
        self.generic_visit(node)

    def _assigned(self, target: ast.expr, value: ast.expr, line: int) -> None:
        target_name = dotted_name(target)
        if target_name is None:
            return
        if isinstance(value, ast.Call) and last_name(value.func) in ("FastAPI", "APIRouter"):
            prefix = keyword(value, "prefix")
            self.apps.append(
                AppOrRouter(
                    name=target_name,
                    line=value.lineno,
                    is_app=last_name(value.func) == "FastAPI",
                    prefix=summarize(prefix) if prefix is not None else None,
                    dependencies=dependencies_in(keyword(value, "dependencies")),
                )
            )
        parts = target_name.split(".")
        if len(parts) == 3 and parts[1] == "state":
            self.states.append(StateAssign(parts[0], parts[2], summarize(value), line))
        if self.in_function or self.scope or not isinstance(target, ast.Name):
            return
        base, metadata = unwrap_annotation(value)
        if metadata:
            type_refs, dependency, source = read_annotated(value)
            self.aliases.append(Alias(target.id, line, type_refs, dependency, source))
        self.assignments.append(Assignment(target.id, line, summarize(value)))

    def visit_If(self, node: ast.If) -> None:
        if self.bodies:
            raises = any(isinstance(child, ast.Raise) for statement in node.body for child in walk(statement))
            test = expression_text(node.test) if raises else ""
            if raises and _ROLE_WORDS.search(test) and _DENIAL.search(test) and not _OWNERSHIP_WORDS.search(test):
                self.bodies[-1].role_checks.append((node.lineno, test))
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if self.bodies and isinstance(node.value, ast.Call):
            self.bodies[-1].returns.append(call_name(node.value) or "")
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        if self.bodies:
            left = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                if isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
                    self.bodies[-1].compares.append(Compare(node.lineno, compare_side(left), compare_side(right)))
                left = right
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        code = status_code_of(node)
        if self.bodies and code is not None:
            self.bodies[-1].status_codes.add(code)
        self.generic_visit(node)

    # calls ---------------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node)
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else None
        owner = dotted_name(node.func.value) if isinstance(node.func, ast.Attribute) else None
        if attr == "add_middleware" and node.args:
            self.middlewares.append(Middleware(owner or "", dotted_name(node.args[0]) or "", node.lineno, _kwargs(node)))
        elif last_name(node.func) == "Middleware" and node.args:
            self.middlewares.append(Middleware("", dotted_name(node.args[0]) or "", node.lineno, _kwargs(node)))
        elif attr == "include_router" and node.args:
            prefix = keyword(node, "prefix")
            deps = dependencies_in(keyword(node, "dependencies"))
            child = dotted_name(node.args[0]) or ""
            self.includes.append(Include(owner or "", child, node.lineno, summarize(prefix) if prefix else None, deps))
        elif attr == "add_api_route" and len(node.args) >= 2:
            self._api_route(node, owner or "")
        if self.bodies and name:
            self._record_call(node, name)
        self.generic_visit(node)

    def _api_route(self, node: ast.Call, owner: str) -> None:
        path, endpoint = const_str(node.args[0]), dotted_name(node.args[1])
        methods = keyword(node, "methods")
        names = [const_str(m) for m in methods.elts] if isinstance(methods, (ast.List, ast.Tuple)) else ["GET"]
        deps = dependencies_in(keyword(node, "dependencies"))
        for method in names:
            if path is not None and endpoint and method:
                self.routes.append(Route(owner, method.upper(), path, endpoint, node.lineno, deps))

    def _record_call(self, node: ast.Call, name: str) -> None:
        body = self.bodies[-1]
        body.calls.append(
            Call(
                callee=name,
                line=node.lineno,
                args=tuple(refs_of(arg) for arg in node.args),
                kwargs=tuple((kw.arg, refs_of(kw.value)) for kw in node.keywords if kw.arg),
            )
        )
        for kw in node.keywords:
            if kw.arg and (kw.arg.endswith("_id") or kw.arg in ("owner", "user", "author", "created_by", "current_user")):
                body.compares.append(Compare(node.lineno, kw.arg, compare_side(kw.value)))
            if kw.arg == "status_code":
                code = status_code_of(kw.value)
                if code is not None:
                    body.status_codes.add(code)
        if last_name(node.func) in ("HTTPException", "JSONResponse", "Response") and node.args:
            code = status_code_of(node.args[0])
            if code is not None:
                body.status_codes.add(code)
        if id(node) not in self.chained:
            lookup = self._lookup(node)
            if lookup is not None:
                body.lookups.append(lookup)
        raw = sql_lookup(node)
        if raw is not None:
            body.lookups.append(raw[0])
            body.compares.extend(raw[1])

    def _lookup(self, node: ast.Call) -> Lookup | None:
        """A keyed database access rooted at this call chain, if it is one."""
        chain = [node]
        while isinstance(chain[-1].func, ast.Attribute) and isinstance(chain[-1].func.value, ast.Call):
            chain.append(chain[-1].func.value)
        self.chained.update(id(call) for call in chain[1:])
        root = chain[-1]
        steps = {last_name(call.func) for call in chain[:-1]}
        keys: list[str] = [ref for call in chain[:-1] for ref in _call_refs(call)]
        root_name = last_name(root.func) or ""
        receiver = dotted_name(root.func.value) if isinstance(root.func, ast.Attribute) else None
        model_arg = dotted_name(root.args[0]) if root.args else None
        if root_name in ("select", "update", "delete", "query") and _is_class_name(model_arg) and steps & _KEYED_QUERY_STEPS:
            return Lookup(node.lineno, model_arg, tuple(keys)) if keys else None
        if root_name in ("get", "get_one") and receiver and len(root.args) >= 2 and _is_class_name(model_arg):
            return Lookup(node.lineno, model_arg, tuple(ref for arg in root.args[1:] for ref in refs_of(arg)))
        if receiver and _is_class_name(receiver.split(".")[0]) and root_name in _MODEL_METHODS:
            model = receiver.split(".")[0]
            keys = [*_call_refs(root), *keys]
            return Lookup(node.lineno, model, tuple(keys)) if keys else None
        if receiver and root_name in _COLLECTION_METHODS and root.args:
            return Lookup(node.lineno, None, (*_call_refs(root), *keys))
        return None


def _is_class_name(name: str | None) -> bool:
    return bool(name) and name.split(".")[-1][:1].isupper()  # type: ignore[union-attr]


def _call_refs(call: ast.Call) -> list[str]:
    return [ref for arg in [*call.args, *(kw.value for kw in call.keywords)] for ref in refs_of(arg)] + [
        f"{kw.arg}=" for kw in call.keywords if kw.arg
    ]


def _kwargs(call: ast.Call) -> tuple[tuple[str, Value], ...]:
    """Keyword arguments summarised; `**options` is kept under the name "**"."""
    return tuple((kw.arg or "**", summarize(kw.value)) for kw in call.keywords)


def _route_methods(decorator: ast.Call, attr: str) -> list[str]:
    if attr in HTTP_METHODS:
        return [attr.upper()]
    if attr == "api_route":
        methods = keyword(decorator, "methods")
        if isinstance(methods, (ast.List, ast.Tuple)):
            return [m.upper() for m in (const_str(e) for e in methods.elts) if m]
        return ["GET"]
    return []


def _decorator(node: ast.expr) -> Decorator:
    if isinstance(node, ast.Call):
        return Decorator(
            name=dotted_name(node.func) or "",
            line=node.lineno,
            args=tuple(summarize(arg) for arg in node.args),
            kwargs=_kwargs(node),
        )
    return Decorator(name=dotted_name(node) or "", line=node.lineno, args=(), kwargs=())


def _params(args: ast.arguments) -> tuple[Param, ...]:
    """The parameters in order, each with its default and `Annotated` metadata read."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = [*zip(positional, defaults, strict=True), *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    params = []
    for arg, default in pairs:
        type_refs, dependency, source = read_annotated(arg.annotation)
        base, _ = unwrap_annotation(arg.annotation)
        params.append(
            Param(
                name=arg.arg,
                annotation=expression_text(base) if base is not None else None,
                type_refs=type_refs,
                dependency=dependency_of(default) or dependency,
                source=param_source(default) or source,
            )
        )
    return tuple(params)
