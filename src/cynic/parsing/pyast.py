"""Small, shared readers of Python `ast` trees, so that rules speak of calls and names, not nodes."""

from __future__ import annotations

import ast
from collections.abc import Iterator

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def dotted_name(node: ast.AST | None) -> str | None:
    """`a.b.c` for Name/Attribute chains (and calls on them: `a.b()` -> `a.b()`); else None."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, ast.Call):
        base = dotted_name(node.func)
        return f"{base}()" if base else None
    return None


def call_name(call: ast.Call) -> str | None:
    """The dotted name of what a call calls: `session.exec`, `text`, `CORSMiddleware`."""
    return dotted_name(call.func)


def last_name(node: ast.AST | None) -> str | None:
    """The final segment of a dotted name: `fastapi.Depends` -> `Depends`."""
    name = dotted_name(node)
    return name.rsplit(".", 1)[-1] if name else None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """The value passed as keyword `name`, or None."""
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    """The argument given by position or by keyword."""
    if len(call.args) > position and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1]):
        return call.args[position]
    return keyword(call, name)


def const_str(node: ast.AST | None) -> str | None:
    """The value of a plain string literal, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def const_value(node: ast.AST | None) -> object:
    """The value of a literal (including lists/tuples/sets/dicts of literals), else `...`."""
    try:
        return ast.literal_eval(node) if node is not None else ...
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ...


def is_built_string(node: ast.AST | None) -> bool:
    """True for strings built from values: f-strings with fields, `%`, `+` and `.format()`."""
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(part, ast.FormattedValue) for part in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _stringish(node.left) or (isinstance(node.op, ast.Add) and _stringish(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _stringish(node.func.value)
    return False


def _stringish(node: ast.AST) -> bool:
    return const_str(node) is not None or isinstance(node, ast.JoinedStr) or is_built_string(node)


def functions(tree: ast.AST) -> Iterator[FunctionNode]:
    """Every function and method, nested ones included, in source order."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def decorator_calls(function: FunctionNode) -> Iterator[ast.Call]:
    """Decorators that are calls: `@router.get("/x")`, `@limiter.limit("5/minute")`."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            yield decorator


def scope_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of one scope (a module or function body) in source order, not descending into
    nested functions, classes or lambdas, which are scopes of their own."""
    body = getattr(scope, "body", [])
    stack: list[ast.AST] = list(reversed(body if isinstance(body, list) else [body]))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(
            child
            for child in reversed(list(ast.iter_child_nodes(node)))
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
        )


def identifiers(node: ast.AST | None) -> Iterator[str]:
    """Every variable name and attribute name in an expression: `user_in.password` -> user_in, password."""
    if node is None:
        return
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr
        elif isinstance(child, ast.arg):
            yield child.arg
