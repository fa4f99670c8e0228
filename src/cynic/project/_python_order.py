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
from collections.abc import Iterator
from enum import IntEnum
from operator import itemgetter
from typing import NamedTuple

from cynic.parsing.pyast import child_nodes, nodes_of

_Key = tuple[int, ...]


class Step(IntEnum):
    """What a reader of the walk does at one point of it."""

    NODE = 0  # read the node
    ENTER_FUNCTION = 1  # a `def`: its decorators are known, its body is about to be read
    END_OF_BODY = 2  # the function's body is read; its defaults follow, in the enclosing scope
    EXIT_FUNCTION = 3  # the function's defaults are read too
    ENTER_CLASS = 4
    EXIT_CLASS = 5  # the class's body and decorators are read


def in_visit_order(tree: ast.Module, nodes: list[ast.AST]) -> list[tuple[Step, ast.AST]]:
    """`nodes` (statements and expressions of `tree`) with the scope steps of every function and
    class, in the order of the walk; nodes the walk never reads (in a function's decorators or
    annotations) are left out.

    Each is sorted by a key: its start and end (`_position`), and, for a node inside a construct
    walked for real, the construct's instead and the node's rank in that walk; a node the walk
    reads late is keyed by the point where it does (`_after`) first.
    """
    keyed: list[tuple[_Key, Step, ast.AST]] = []
    zones = _Zones()
    for function in [*nodes_of(tree, ast.FunctionDef), *nodes_of(tree, ast.AsyncFunctionDef)]:
        zones.add_function(function)  # type: ignore[arg-type]
        keyed.append((_position(function), Step.ENTER_FUNCTION, function))
        keyed.append((_after(function, 0), Step.END_OF_BODY, function))
        keyed.append((_after(function, 2), Step.EXIT_FUNCTION, function))
    for cls in nodes_of(tree, ast.ClassDef):
        zones.add_class(cls)  # type: ignore[arg-type]
        keyed.append((_position(cls), Step.ENTER_CLASS, cls))
        keyed.append((_after(cls, 2), Step.EXIT_CLASS, cls))
    starts, in_zones = zones.indexed()
    walked = _walk_out_of_order(tree, nodes)
    append, claim_of, read = keyed.append, walked.get, Step.NODE
    for node in nodes:
        claim = claim_of(node)
        if claim is None:
            base, index = node, 0
        else:
            base, index = claim
        line, column = start = (base.lineno, base.col_offset)  # type: ignore[attr-defined]
        key = (line, column, -base.end_lineno, -base.end_col_offset, index)  # type: ignore[attr-defined]
        at = bisect_right(starts, start) - 1
        if at < 0 or in_zones[at][1] <= start:
            append((key, read, node))
            continue
        late = _read_late(in_zones[at], start)
        if late is not None:
            append((late + key, read, node))
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


class _Zone(NamedTuple):
    """Source the walk skips, or reads late: from `start` to `end`, it reads only the spans in
    `read` (all of it when None), at the point `late`."""

    start: tuple[int, int]
    end: tuple[int, int]
    late: _Key
    read: list[tuple[tuple[int, int], tuple[int, int]]] | None


class _Zones:
    """The headers of functions and the decorators of classes, the parts the walk reads out of
    source order. They never overlap: an expression holds no function or class.

    A function's header runs from its first decorator to its body, and of it the walk reads only
    the default values, after the body; a class's decorators are read after its body.
    """

    def __init__(self) -> None:
        self._zones: list[_Zone] = []

    def add_function(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        first = function.decorator_list[0] if function.decorator_list else function
        defaults = [*function.args.defaults, *function.args.kw_defaults]
        spans = [(_start(default), _end(default)) for default in defaults if default is not None]
        self._zones.append(_Zone(_start(first), _start(function.body[0]), _after(function, 1), spans))

    def add_class(self, cls: ast.ClassDef) -> None:
        if cls.decorator_list:
            self._zones.append(_Zone(_start(cls.decorator_list[0]), _end(cls.decorator_list[-1]), _after(cls, 1), None))
        if cls.bases and cls.keywords and _start(cls.keywords[0]) < _start(cls.bases[-1]):
            last = cls.bases[-1]  # `class A(metaclass=M, *bases)` reads the bases first
            for keyword in cls.keywords:
                self._zones.append(_Zone(_start(keyword), _end(keyword), (*_end(last), 0, 0), None))

    def indexed(self) -> tuple[list[tuple[int, int]], list[_Zone]]:
        """The zones in source order, and their starts."""
        self._zones.sort(key=itemgetter(0))
        return [zone.start for zone in self._zones], self._zones


def _read_late(zone: _Zone, start: tuple[int, int]) -> _Key | None:
    """Where the walk reads a node that starts at `start` inside `zone`, or None: never."""
    if zone.read is None or any(first <= start < end for first, end in zone.read):
        return zone.late
    return None


def _start(node: ast.AST) -> tuple[int, int]:
    return (node.lineno, node.col_offset)  # type: ignore[attr-defined]


def _end(node: ast.AST) -> tuple[int, int]:
    return (node.end_lineno, node.end_col_offset)  # type: ignore[attr-defined]


def _walk_out_of_order(tree: ast.Module, nodes: list[ast.AST]) -> dict[ast.AST, tuple[ast.AST, int]]:
    """For each of `nodes` inside a construct whose fields are out of source order: the
    outermost such construct and the node's rank in a real walk of it."""
    found: dict[ast.AST, tuple[ast.AST, int]] = {}
    constructs = list(_out_of_order(tree))
    if not constructs:
        return found
    wanted = set(nodes)
    covered: set[ast.AST] = set()
    for construct in constructs:
        if construct in covered:
            continue
        rank = 0
        stack = [construct]
        while stack:
            node = stack.pop()
            covered.add(node)
            if node in wanted:
                rank += 1
                found[node] = (construct, rank)
            stack.extend(reversed(child_nodes(node)))
    return found


def _out_of_order(tree: ast.Module) -> Iterator[ast.AST]:
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
    if not nodes_of(tree, ast.Starred):
        return  # only a `*rest` can follow a keyword argument
    for node in nodes_of(tree, ast.Call):
        if node.keywords and node.args:  # type: ignore[attr-defined]
            keyword, last = node.keywords[0], node.args[-1]  # type: ignore[attr-defined]
            if (keyword.lineno, keyword.col_offset) < (last.lineno, last.col_offset):
                yield node
