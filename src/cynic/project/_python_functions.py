"""What a function's header tells the facts: its decorators, its parameters, the routes and the
HTTP middleware its decorators declare."""

from __future__ import annotations

import ast

from cynic.parsing.pyast import argument, const_str, dotted_name, expression_text, keyword
from cynic.project._python_values import (
    SourceTexts,
    Summarize,
    dependencies_in,
    dependency_of,
    keyword_values,
    param_source,
    read_annotated,
    remember,
)
from cynic.project.python_facts import Decorator, Middleware, Param, Route

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def decorators_of(function: FunctionNode, summarize: Summarize) -> tuple[Decorator, ...]:
    """Each decorator's name and its arguments, summarised by `summarize`."""
    return tuple(_decorator(node, summarize) for node in function.decorator_list)


def _decorator(node: ast.expr, summarize: Summarize) -> Decorator:
    if type(node) is ast.Call:
        return Decorator(
            name=dotted_name(node.func) or "",
            line=node.lineno,
            args=tuple(summarize(arg) for arg in node.args),
            kwargs=keyword_values(node, summarize),
        )
    return Decorator(name=dotted_name(node) or "", line=node.lineno, args=(), kwargs=())


def declared_by_decorators(function: FunctionNode, name: str) -> tuple[list[Middleware], list[Route]]:
    """The HTTP middleware (`@app.middleware("http")`) and routes (`@router.get("/x")`) that the
    decorators of `function`, called `name` in its module, declare."""
    middlewares: list[Middleware] = []
    routes: list[Route] = []
    for decorator in function.decorator_list:
        if not (type(decorator) is ast.Call and type(decorator.func) is ast.Attribute):
            continue
        owner, attr = dotted_name(decorator.func.value) or "", decorator.func.attr
        if attr == "middleware" and const_str(argument(decorator, 0, "middleware_type")) == "http":
            middlewares.append(Middleware(owner, name, decorator.lineno, ()))
        methods = _route_methods(decorator, attr)
        path = const_str(argument(decorator, 0, "path"))
        for method in methods if path is not None else ():
            deps = dependencies_in(keyword(decorator, "dependencies"))
            routes.append(Route(owner, method, path or "", name, decorator.lineno, deps))
    return middlewares, routes


def _route_methods(decorator: ast.Call, attr: str) -> list[str]:
    if attr in HTTP_METHODS:
        return [attr.upper()]
    if attr == "api_route":
        methods = keyword(decorator, "methods")
        if type(methods) in (ast.List, ast.Tuple):
            return [m.upper() for m in (const_str(e) for e in methods.elts) if m]
        return ["GET"]
    return []


# Parameters that declare no dependency, by their source text (see `SourceTexts`); a dependency
# keeps its line.
_PARAMS: dict[str, Param] = {}


def params_of(args: ast.arguments, texts: SourceTexts) -> tuple[Param, ...]:
    """The parameters in order, each with its default and `Annotated` metadata read; `texts` are
    the module's."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = [*zip(positional, defaults, strict=True), *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    params = []
    for arg, default in pairs:
        annotation = arg.annotation
        if type(default) is not ast.Call:  # only a call declares a dependency or a source
            if annotation is None:  # `self`, `x`, `x=0`
                params.append(Param(arg.arg, None, (), None, None))
                continue
            if type(annotation) is ast.Name:  # `x: int`, `db: Session`: nothing to unwrap
                params.append(Param(arg.arg, annotation.id, (annotation.id,), None, None))
                continue
            written = texts.of(arg)  # the name and the annotation, which alone make the `Param`
            param = _PARAMS.get(written) if written is not None else None
            if param is None:
                param = _param(arg, annotation, default)
                if written is not None and param.dependency is None:
                    remember(_PARAMS, written, param)
            params.append(param)
            continue
        params.append(_param(arg, annotation, default))
    return tuple(params)


def _param(arg: ast.arg, annotation: ast.expr | None, default: ast.expr | None) -> Param:
    base, type_refs, dependency, source = read_annotated(annotation)
    if type(default) is ast.Call:
        dependency = dependency_of(default) or dependency
        source = param_source(default) or source
    return Param(arg.arg, expression_text(base) if base is not None else None, type_refs, dependency, source)
