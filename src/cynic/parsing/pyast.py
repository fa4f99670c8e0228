"""Small, shared readers of Python `ast` trees, so that rules speak of calls and names, not nodes."""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Callable, Iterator
from functools import cache
from operator import attrgetter
from typing import Any

from cynic.parsing._expression_text import expression_text as expression_text  # `ast.unparse`, faster

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_AST = ast.AST
_Name, _Attribute, _Call = ast.Name, ast.Attribute, ast.Call


# Fields that never hold a child worth walking: the expression context and operator markers
# (`Load`, `Add`, `Eq`... are shared singletons, read from their parent as `node.op`) and the
# fields that hold plain strings, numbers or flags. About a third of a tree's nodes are markers.
_NOT_CHILDREN = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "name", "asname", "module", "level", "kind", "is_async",
     "conversion", "type_comment", "tag"}
)
_READERS: dict[type, Callable[[ast.AST], tuple[Any, ...]]] = {}


def _reader(kind: type) -> Callable[[ast.AST], tuple[Any, ...]]:
    """A C-level getter of the fields of `kind` that can hold child nodes, made once per class."""
    names = [name for name in kind._fields if name not in _NOT_CHILDREN]  # type: ignore[attr-defined]
    if kind is ast.Constant or not names:
        reader: Callable[[ast.AST], tuple[Any, ...]] = _no_fields
    elif len(names) == 1:
        one = attrgetter(names[0])
        reader = lambda node: (one(node),)  # noqa: E731
    else:
        reader = attrgetter(*names)
    _READERS[kind] = reader
    return reader


def _no_fields(node: ast.AST) -> tuple[Any, ...]:
    return ()


def _field_values(node: ast.AST) -> tuple[Any, ...]:
    kind = node.__class__
    reader = _READERS.get(kind) or _reader(kind)
    try:
        return reader(node)
    except AttributeError:  # a node built by hand without all its fields
        return tuple(getattr(node, name, None) for name in kind._fields if name not in _NOT_CHILDREN)


def child_nodes(node: ast.AST) -> list[ast.AST]:
    """The child nodes of `node` in `ast.iter_child_nodes` order, without the context and
    operator markers (`Load`, `Add`...): rules read those from the parent (`node.op`)."""
    children: list[ast.AST] = []
    for value in _field_values(node):
        if value.__class__ is list:
            children.extend(item for item in value if isinstance(item, _AST))
        elif isinstance(value, _AST):
            children.append(value)
    return children


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk` (breadth-first, the same order) without the markers; a module's walk is listed once."""
    if isinstance(node, ast.Module):
        yield node
        yield from _descendants(node)
        return
    todo = deque([node])
    while todo:
        node = todo.popleft()
        todo.extend(child_nodes(node))
        yield node


def _descendants(tree: ast.Module) -> list[ast.AST]:
    """Every node below a module in `walk` order, listed once per tree and shared by all rules."""
    return _index(tree)[0]


def _index(tree: ast.Module) -> tuple[list[ast.AST], dict[type, list[ast.AST]], list[ast.AST]]:
    """The nodes below a module in `walk` order: all of them, those of each class, and the
    statements. Built once per tree, on the first request, and kept on it.

    This is the one full walk of a tree, so it is written for speed: a list that grows while it
    is read instead of a queue, and per node class one lookup that gives what to add the node
    to and a C-level getter of the fields that can hold children, with what they hold
    (`_shape`), so that a list of nodes is added at once. Nothing is stored on the nodes, and the
    module itself is not listed: nothing kept on a tree refers back to its root, so a tree is
    freed as soon as the audit drops it, without the cycle collector.
    """
    cached = tree.__dict__.get("_cynic_index")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    listed: list[ast.AST] = list(child_nodes(tree))
    statements: list[ast.AST] = []
    by_class: dict[type, list[ast.AST]] = {}
    readers: dict[type, tuple[Callable[[ast.AST], None], int, Callable[[ast.AST], Any] | None]] = {}
    append, extend, add_statement, node_class, list_class = listed.append, listed.extend, statements.append, _AST, list
    one, many, mixed, statement = _ONE, _MANY, _MIXED, _STATEMENT  # locals: read for every node
    for node in listed:
        try:
            add, shape, read = readers[type(node)]
        except KeyError:
            kind = type(node)
            add, shape, read = readers[kind] = (by_class.setdefault(kind, []).append, *_shape(kind))
        add(node)
        if not shape:  # a leaf
            continue
        if shape > mixed:
            add_statement(node)
            shape -= statement
            if not shape:
                continue
        try:
            values = read(node)  # type: ignore[misc]
        except AttributeError:  # a node built by hand without all its fields
            values, shape = _field_values(node), mixed
        if shape == one:
            if type(values) is list_class:
                extend(values)
            elif values is not None:
                append(values)
        elif shape == many:
            for value in values:
                if type(value) is list_class:
                    extend(value)
                elif value is not None:
                    append(value)
        else:
            for value in values:
                if type(value) is list_class:
                    extend([item for item in value if isinstance(item, node_class)])
                elif isinstance(value, node_class):
                    append(value)
    index = listed, by_class, statements
    tree._cynic_index = index  # type: ignore[attr-defined]
    return index


# What the fields of a node class that can hold children hold, for the walk above: nothing (a
# leaf); one field, a node, None or a list of nodes; several such fields; or fields that may
# also hold something else (a string, a number, None in a list: `{**x}` has a key None). A
# statement's shape is raised by `_STATEMENT`: statements are listed apart too.
_LEAF, _ONE, _MANY, _MIXED, _STATEMENT = 0, 1, 2, 3, 4
_MIXED_CLASSES = frozenset(
    {ast.AnnAssign, ast.Dict, ast.arguments, ast.Global, ast.Nonlocal, ast.MatchClass, ast.MatchMapping, ast.MatchSingleton, ast.TypeIgnore}
)


@cache
def _shape(kind: type) -> tuple[int, Callable[[ast.AST], Any] | None]:
    """How the walk reads the children of a node class: the `_LEAF`... constant, and a C-level
    getter of the class's fields that can hold children (one field's value, or several's tuple).
    Made once per class, not once per tree."""
    names = [name for name in kind._fields if name not in _NOT_CHILDREN]  # type: ignore[attr-defined]
    statement = _STATEMENT if issubclass(kind, ast.stmt) else 0
    if kind is ast.Constant or not names:
        return _LEAF + statement, None
    if kind in _MIXED_CLASSES:
        return _MIXED + statement, _READERS.get(kind) or _reader(kind)
    return (_ONE if len(names) == 1 else _MANY) + statement, attrgetter(*names)


def nodes_of(tree: ast.Module, *kinds: type[ast.AST]) -> list[ast.AST]:
    """The nodes below the module of exactly these classes (`ast.Call`, `ast.FunctionDef`...), in
    `walk` order; do not modify the list. Several statement classes (`ast.Assign`, `ast.AnnAssign`)
    are merged from the statements alone; merging expression classes reads every node.

    The module is indexed by node class once, on the first request, and the index is shared by
    every rule and fact extractor: asking it costs a dictionary lookup instead of a walk.
    """
    listed, by_class, statements = tree.__dict__.get("_cynic_index") or _index(tree)  # read here: asked often
    if len(kinds) == 1:  # the commonest request
        return by_class.get(kinds[0]) or []
    found = [nodes for kind in kinds if (nodes := by_class.get(kind))]
    if len(found) == 1:
        return found[0]
    if not found:
        return []
    wanted = frozenset(kinds)
    merged = statements if all(issubclass(kind, ast.stmt) for kind in kinds) else listed
    return [node for node in merged if node.__class__ in wanted]


def dotted_name(node: ast.AST | None) -> str | None:
    """`a.b.c` for Name/Attribute chains (and calls on them: `a.b()` -> `a.b()`); else None."""
    kind = node.__class__
    if kind is _Name:
        return node.id  # type: ignore[union-attr]
    if kind is _Attribute:
        value = node.value  # type: ignore[union-attr]
        if value.__class__ is _Name:  # the commonest chain, `a.b`
            return value.id + "." + node.attr  # type: ignore[union-attr]
        base = dotted_name(value)
        return f"{base}.{node.attr}" if base else None  # type: ignore[union-attr]
    if kind is _Call:
        base = dotted_name(node.func)  # type: ignore[union-attr]
        return f"{base}()" if base else None
    return None


def call_name(call: ast.Call) -> str | None:
    """The dotted name of what a call calls: `session.exec`, `text`, `CORSMiddleware`."""
    return dotted_name(call.func)


def last_name(node: ast.AST | None) -> str | None:
    """The final segment of a dotted name: `fastapi.Depends` -> `Depends`."""
    kind = node.__class__
    if kind is _Name:
        return node.id  # type: ignore[union-attr]
    if kind is _Attribute:
        return node.attr if dotted_name(node.value) is not None else None  # type: ignore[union-attr]
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
    """Every function and method, nested ones included, in `ast.walk` order."""
    if isinstance(tree, ast.Module):
        yield from nodes_of(tree, ast.FunctionDef, ast.AsyncFunctionDef)  # type: ignore[misc]
        return
    for node in walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def decorator_calls(function: FunctionNode) -> Iterator[ast.Call]:
    """Decorators that are calls: `@router.get("/x")`, `@limiter.limit("5/minute")`."""
    for decorator in function.decorator_list:
        if isinstance(decorator, ast.Call):
            yield decorator


def scope_nodes(scope: ast.AST) -> list[ast.AST]:
    """The nodes of one scope (a module or function body) in source order, not descending into
    nested functions, classes or lambdas, which are scopes of their own; do not modify the list.

    Listed once per scope and kept on its node: several rules read the same scopes.
    """
    cached = scope.__dict__.get("_cynic_scope")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    body = getattr(scope, "body", [])
    nested = _NESTED_SCOPES
    stack: list[ast.AST] = [node for node in reversed(body if isinstance(body, list) else [body])
                            if not isinstance(node, nested)]
    listed: list[ast.AST] = []
    while stack:
        node = stack.pop()
        listed.append(node)
        children = child_nodes(node)
        for index in range(len(children) - 1, -1, -1):
            child = children[index]
            if not isinstance(child, nested):
                stack.append(child)
    scope._cynic_scope = listed  # type: ignore[attr-defined]
    return listed


def identifiers(node: ast.AST | None) -> Iterator[str]:
    """Every variable name and attribute name in an expression: `user_in.password` -> user_in, password."""
    if node is None:
        return
    for child in walk(node):
        if isinstance(child, ast.Name):
            yield child.id
        elif isinstance(child, ast.Attribute):
            yield child.attr
        elif isinstance(child, ast.arg):
            yield child.arg
