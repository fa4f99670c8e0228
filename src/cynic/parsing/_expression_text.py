"""The source text of an expression as `ast.unparse` writes it, with the common shapes written
directly.

Rules and facts keep the text of many expressions (field defaults, decorator arguments, annotations),
and `ast.unparse` runs a visitor over every node. Most of those expressions are names, plain
literals, subscripts like `list[Item]`, unions like `str | None`, and calls of those, such as
`Field(default=None, max_length=255)` or `Depends(get_db)`; this writes them with the exact
text `ast.unparse` gives (none of them ever needs parentheses) and hands anything else to it.
"""

from __future__ import annotations

import ast

# Constants written as their `repr`, which is what `ast.unparse` writes outside f-strings
# (floats and complex numbers are left to it: it spells infinities its own way).
_REPR_CONSTANTS = (str, bytes, int, type(None))


def expression_text(node: ast.AST) -> str:
    """`ast.unparse(node)`."""
    text = _text(node, _TEST)
    return text if text is not None else ast.unparse(node)


# The precedence levels of `ast.unparse` that these shapes meet: an expression is put in
# parentheses when the place it is written in binds tighter than its operator.
_TEST, _OR, _AND, _NOT, _CMP, _BOR, _BXOR, _ATOM = 4, 5, 6, 7, 8, 9, 10, 18
_BOOL_OPERATORS = {ast.And: ("and", _AND), ast.Or: ("or", _OR)}
_COMPARISONS = {
    ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
    ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
}


def _text(node: ast.AST, place: int) -> str | None:
    """The text of a shape written directly at a place of that precedence, or None for a shape
    left to `ast.unparse`."""
    kind = node.__class__
    if kind is ast.Name:
        return node.id  # type: ignore[attr-defined,no-any-return]
    if kind is ast.Constant:
        return _constant(node)  # type: ignore[arg-type]
    if kind is ast.Attribute:
        value = node.value  # type: ignore[attr-defined]
        base = _text(value, _ATOM) if value.__class__ in _PRIMARIES else None
        return None if base is None else f"{base}.{node.attr}"  # type: ignore[attr-defined]
    if kind is ast.Call:
        return _call(node)  # type: ignore[arg-type]
    if kind is ast.Subscript:
        return _subscript(node)  # type: ignore[arg-type]
    if kind is ast.List:
        items = _texts(node.elts)  # type: ignore[attr-defined]
        return None if items is None else "[" + ", ".join(items) + "]"
    if kind is ast.BinOp and node.op.__class__ is ast.BitOr:  # type: ignore[attr-defined]
        left, right = _text(node.left, _BOR), _text(node.right, _BXOR)  # type: ignore[attr-defined]
        return None if left is None or right is None else _parenthesized(f"{left} | {right}", _BOR, place)
    if kind is ast.Compare:
        return _compare(node, place)  # type: ignore[arg-type]
    if kind is ast.BoolOp:
        return _bool_op(node, place)  # type: ignore[arg-type]
    if kind is ast.UnaryOp and node.op.__class__ is ast.Not:  # type: ignore[attr-defined]
        operand = _text(node.operand, _NOT)  # type: ignore[attr-defined]
        return None if operand is None else _parenthesized("not " + operand, _NOT, place)
    return None


def _parenthesized(text: str, precedence: int, place: int) -> str:
    return f"({text})" if place > precedence else text


def _compare(node: ast.Compare, place: int) -> str | None:
    parts = [_text(node.left, _BOR)]
    for op, right in zip(node.ops, node.comparators, strict=True):
        parts += [_COMPARISONS[op.__class__], _text(right, _BOR)]
    if None in parts:
        return None
    return _parenthesized(" ".join(parts), _CMP, place)  # type: ignore[arg-type]


def _bool_op(node: ast.BoolOp, place: int) -> str | None:
    word, precedence = _BOOL_OPERATORS[node.op.__class__]
    # `ast.unparse` asks each operand in turn for one level more than the one before
    values = [_text(value, min(precedence + 1 + index, _ATOM)) for index, value in enumerate(node.values)]
    if None in values:
        return None
    return _parenthesized(f" {word} ".join(values), precedence, place)  # type: ignore[arg-type]


# What `a.b`, `a(...)` and `a[...]` may start with and be written without parentheses.
_PRIMARIES = frozenset({ast.Name, ast.Attribute, ast.Call, ast.Subscript})


def _constant(node: ast.Constant) -> str | None:
    value = node.value
    if node.kind is not None or not isinstance(value, _REPR_CONSTANTS):
        return "..." if value is ... else None
    return repr(value)


def _call(node: ast.Call) -> str | None:
    if node.func.__class__ not in _PRIMARIES:
        return None
    func = _text(node.func, _ATOM)
    args = _texts(node.args)
    if func is None or args is None:
        return None
    for keyword in node.keywords:
        value = _text(keyword.value, _TEST)
        if value is None:
            return None
        args.append(f"{keyword.arg}={value}" if keyword.arg is not None else f"**{value}")
    return func + "(" + ", ".join(args) + ")"


def _subscript(node: ast.Subscript) -> str | None:
    if node.value.__class__ not in _PRIMARIES:
        return None
    base, index = node.value, node.slice
    if index.__class__ is ast.Tuple and index.elts:  # type: ignore[attr-defined]
        items = _texts(index.elts)  # type: ignore[attr-defined]
        inner = None if items is None else (items[0] + "," if len(items) == 1 else ", ".join(items))
    else:
        inner = _text(index, _TEST)
    written = _text(base, _ATOM)
    return None if written is None or inner is None else f"{written}[{inner}]"


def _texts(nodes: list[ast.expr]) -> list[str] | None:
    """The texts of call arguments or list items; `*rest` of a name or attribute too."""
    texts = []
    for node in nodes:
        if node.__class__ is ast.Starred and node.value.__class__ in (ast.Name, ast.Attribute):  # type: ignore[attr-defined]
            text = _text(node.value, _BOR)  # type: ignore[attr-defined]
            text = None if text is None else "*" + text
        else:
            text = _text(node, _TEST)
        if text is None:
            return None
        texts.append(text)
    return texts
