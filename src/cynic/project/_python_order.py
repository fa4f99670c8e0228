"""The order in which a depth-first walk of a module meets the nodes the Python facts read.

The facts keep calls, comparisons and routes in the order a depth-first, pre-order walk of
the tree meets them (what `ast.NodeVisitor` does), with two exceptions that the facts define:
a function's decorators and annotations are not read at all, and its default values are read
after its body, in the enclosing scope. Walking every node in Python costs more than parsing,
so the order is rebuilt here from the shared per-class index instead.

Source position gives that order almost everywhere: a node comes after its parent and before
its parent's later children. The exceptions are the few constructs whose fields are not in
source order, and those are walked for real (they are small):

- `a if test else b` reads `test` first;
- `{k1: v1, k2: v2}` reads every key before the first value;
- `f(k=v, *rest)` reads `*rest` before `k=v`, and `lambda a=x, *, b=y: ...` reads `y` first;
- a class's decorators are read after its body, and so are a function's defaults (above).

`in_visit_order` returns (step, node) pairs: the nodes asked for, and the entry to, end of
body of, and exit from every function and class, which tell a reader its scopes.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from collections.abc import Iterable
from enum import IntEnum
from operator import itemgetter

from cynic.parsing.pyast import child_nodes, nodes_of

_Key = tuple[int, ...]
_NO_INDEX = 0


class Step(IntEnum):
    """What a reader of the walk does at one point of it."""

    NODE = 0  # read the node
    ENTER_FUNCTION = 1  # a `def`: its decorators are known, its body is about to be read
    END_OF_BODY = 2  # the function's body is read; its defaults follow, in the enclosing scope
    EXIT_FUNCTION = 3  # the function's defaults are read too
    ENTER_CLASS = 4
    EXIT_CLASS = 5  # the class's body and decorators are read


def in_visit_order(tree: ast.Module, nodes: Iterable[ast.AST]) -> list[tuple[Step, ast.AST]]:
    """`nodes` (statements and expressions of `tree`) with the scope steps of every function and
    class, in the order of the walk; nodes the walk never reads (in a function's decorators or
    annotations) are left out."""
    zones = _Zones()
    keyed: list[tuple[_Key, Step, ast.AST]] = []
    for function in [*nodes_of(tree, ast.FunctionDef), *nodes_of(tree, ast.AsyncFunctionDef)]:
        zones.add_function(function)  # type: ignore[arg-type]
        here = _position(function)
        keyed.append((here + here + (_NO_INDEX,), Step.ENTER_FUNCTION, function))
        for phase, step in ((0, Step.END_OF_BODY), (2, Step.EXIT_FUNCTION)):
            after = _after(function, phase)
            keyed.append((after + after + (_NO_INDEX,), step, function))
    for cls in nodes_of(tree, ast.ClassDef):
        zones.add_class(cls)  # type: ignore[arg-type]
        here, after = _position(cls), _after(cls, 2)
        keyed.append((here + here + (_NO_INDEX,), Step.ENTER_CLASS, cls))
        keyed.append((after + after + (_NO_INDEX,), Step.EXIT_CLASS, cls))
    nodes = list(nodes)
    walked = _walk_out_of_order(tree, {id(node) for node in nodes})
    zones.close()
    for node in nodes:
        base, index = walked.get(id(node), (node, _NO_INDEX))
        top = zones.place(base)
        if top is not None:
            keyed.append((top + _position(base) + (index,), Step.NODE, node))
    keyed.sort(key=itemgetter(0))
    return [(step, node) for _, step, node in keyed]


def _position(node: ast.AST) -> _Key:
    """Sorts by start, and a node before the nodes inside it that start where it does."""
    return (node.lineno, node.col_offset, -node.end_lineno, -node.end_col_offset)  # type: ignore[attr-defined,operator]


def _after(node: ast.AST, phase: int) -> _Key:
    """A point just after `node` ends: after everything inside it, before what follows it
    (nothing starts right where a function or class ends), and of scopes that end together,
    the inner one's (it starts later) first."""
    start = (node.lineno << 24) + node.col_offset  # type: ignore[attr-defined]
    return (node.end_lineno, node.end_col_offset, -start, phase)  # type: ignore[attr-defined]


class _Zones:
    """Expressions a function or class header holds that the walk skips or reads late.

    Zones never overlap: they are expressions, and an expression holds no function or class.
    """

    def __init__(self) -> None:
        self._zones: list[tuple[tuple[int, int], tuple[int, int], _Key | None]] = []
        self._starts: list[tuple[int, int]] = []

    def add_function(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        args = function.args
        for skipped in [*function.decorator_list, function.returns]:
            self._add(skipped, None)
        for arg in [*args.posonlyargs, *args.args, args.vararg, *args.kwonlyargs, args.kwarg]:
            self._add(arg.annotation if arg is not None else None, None)
        for default in [*args.defaults, *args.kw_defaults]:
            self._add(default, _after(function, 1))

    def add_class(self, cls: ast.ClassDef) -> None:
        for decorator in cls.decorator_list:
            self._add(decorator, _after(cls, 1))
        if cls.bases and cls.keywords and _start(cls.keywords[0]) < _start(cls.bases[-1]):
            last = cls.bases[-1]  # `class A(metaclass=M, *bases)` reads the bases first
            for keyword in cls.keywords:
                self._add(keyword, (last.end_lineno, last.end_col_offset, 0, 0))  # type: ignore[arg-type]

    def _add(self, node: ast.AST | None, anchor: _Key | None) -> None:
        if node is not None:
            self._zones.append((_start(node), (node.end_lineno, node.end_col_offset), anchor))  # type: ignore[attr-defined]

    def close(self) -> None:
        """Index the zones; call once, after the last one is added."""
        self._zones.sort(key=itemgetter(0))
        self._starts = [zone[0] for zone in self._zones]

    def place(self, node: ast.AST) -> _Key | None:
        """Where the walk reads `node`: its own position, a zone's late point, or None (never)."""
        start = _start(node)
        at = bisect_right(self._starts, start) - 1
        if at >= 0:
            _, end, anchor = self._zones[at]
            if start < end:
                return anchor
        return _position(node)


def _start(node: ast.AST) -> tuple[int, int]:
    return (node.lineno, node.col_offset)  # type: ignore[attr-defined]


def _walk_out_of_order(tree: ast.Module, wanted: set[int]) -> dict[int, tuple[ast.AST, int]]:
    """For each wanted node inside a construct whose fields are out of source order: the
    outermost such construct and the node's rank in a real walk of it."""
    found: dict[int, tuple[ast.AST, int]] = {}
    covered: set[int] = set()
    for construct in _out_of_order(tree):
        if id(construct) in covered:
            continue
        rank = 0
        stack = [construct]
        while stack:
            node = stack.pop()
            covered.add(id(node))
            if id(node) in wanted:
                rank += 1
                found[id(node)] = (construct, rank)
            stack.extend(reversed(child_nodes(node)))
    return found


def _out_of_order(tree: ast.Module) -> Iterable[ast.AST]:
    """The expressions whose walk order differs from their source order in a way that can matter."""
    for node in nodes_of(tree, ast.IfExp):
        if not isinstance(node.test, (ast.Name, ast.Constant)):  # type: ignore[attr-defined]
            yield node
    for node in nodes_of(tree, ast.Dict):
        if len(node.keys) > 1 and any(key is not None and not isinstance(key, ast.Constant) for key in node.keys):  # type: ignore[attr-defined]
            yield node
    for node in nodes_of(tree, ast.Lambda):
        if node.args.defaults and any(node.args.kw_defaults):  # type: ignore[attr-defined]
            yield node
    for node in nodes_of(tree, ast.Call):
        if node.args and node.keywords and _start(node.keywords[0]) < _start(node.args[-1]):  # type: ignore[attr-defined]
            yield node
