"""File-local recognition of FastAPI route handlers, for rules that judge one file at a time.

The cross-file model of apps, routers and dependencies lives in `cynic.project.fastapi`; this
module only answers "is this function decorated as an HTTP endpoint?" from its own decorators.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from cynic.parsing.pyast import FunctionNode, decorator_calls, functions

HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route"})
_NON_ROUTE_RECEIVERS = frozenset({"os", "environ", "dict", "requests", "httpx", "client", "session", "cache", "redis"})


def route_method(function: FunctionNode) -> str | None:
    """`post` for `@router.post("/x")` (any receiver: `app`, `router`, `items_router`...), else None."""
    for call in decorator_calls(function):
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in HTTP_METHODS:
            continue
        receiver = func.value
        receiver_name = receiver.id if isinstance(receiver, ast.Name) else getattr(receiver, "attr", "")
        if receiver_name.lower() not in _NON_ROUTE_RECEIVERS:
            return func.attr
    return None


def is_route(function: FunctionNode) -> bool:
    """True when the function is decorated as an HTTP endpoint."""
    return route_method(function) is not None


def route_functions(tree: ast.AST) -> Iterator[FunctionNode]:
    """Every route handler in the file, in source order."""
    for function in functions(tree):
        if is_route(function):
            yield function

