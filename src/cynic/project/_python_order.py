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

`in_visit_order` returns (key, step, node): the nodes asked for, and the entry to, end of body
of, and exit from every function and class, which tell a reader its scopes.
"""

from __future__ import annotations

import ast
from bisect import bisect_left
from collections.abc import Iterator
from enum import IntEnum
from itertools import repeat
from operator import attrgetter, itemgetter
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


_READ = Step.NODE


def in_visit_order(tree: ast.Module, nodes: list[ast.AST]) -> list[tuple[_Key, Step, ast.AST]]:
    """`nodes` (statements and expressions of `tree`) with the scope steps of every function and
    class, in the order of the walk, as (key, step, node); nodes the walk never reads (in a
    function's decorators or annotations) are left out.

    `nodes` come a class at a time, each class in the order of the shared index (breadth-first,
    so of two nodes of a class that start at one point the outer comes first), comparisons
    before the other classes: of two nodes of different classes that start at one point, the
    outer is a comparison (`f(x) == y`), or an attribute outside a call (`f().HTTP_404_...`),
    which only names a status, and a function's statuses are a set.

    Each is sorted by a key, its start, which a stable sort leaves in that order when it ties;
    for a node inside a construct walked for real, the construct's start and the node's rank in
    that walk. A function or class is entered at its start, its `def` or `class`, where no node
    that the walk reads starts. Nodes and steps are sorted at once, so that the few nodes in a
    zone (`_Zones`) are found by a search per zone; a node the walk reads late is keyed by the
    point where it does (`_after`).
    """
    walked = _walk_out_of_order(tree, nodes)
    if walked:
        keyed = [(walked.get(node) or _start(node), _READ, node) for node in nodes]
    else:
        keyed = list(zip(map(_start, nodes), repeat(_READ), nodes))
    zones = _Zones()
    enter, end_of_body, leave = Step.ENTER_FUNCTION, Step.END_OF_BODY, Step.EXIT_FUNCTION
    for function in [*nodes_of(tree, ast.FunctionDef), *nodes_of(tree, ast.AsyncFunctionDef)]:
        zones.add_function(function)  # type: ignore[arg-type]
        keyed += (_start(function), enter, function), (_after(function, 0), end_of_body, function), (_after(function, 2), leave, function)
    enter, leave = Step.ENTER_CLASS, Step.EXIT_CLASS
    for cls in nodes_of(tree, ast.ClassDef):
        zones.add_class(cls)  # type: ignore[arg-type]
        keyed += (_start(cls), enter, cls), (_after(cls, 2), leave, cls)
    keyed.sort(key=_KEY)
    return _read_in_place(keyed, zones.indexed())


_KEY = itemgetter(0)


def _read_in_place(keyed: list[tuple[_Key, Step, ast.AST]], zones: list[_Zone]) -> list[tuple[_Key, Step, ast.AST]]:
    """The keyed nodes and steps (sorted) without the nodes in a zone, and with those that the
    walk reads late again, keyed by where it does, sorted again. A zone holds the nodes that start
    in it and before the next; the steps in it (a function's entry, in its header) stay."""
    kept: list[tuple[_Key, Step, ast.AST]] = []
    late: list[tuple[_Key, Step, ast.AST]] = []
    done = 0
    for index, zone in enumerate(zones):
        end = min(zone.end, zones[index + 1].start) if index + 1 < len(zones) else zone.end
        first = bisect_left(keyed, zone.start, done, key=_KEY)
        last = max(first, bisect_left(keyed, end, first, key=_KEY))
        kept += keyed[done:first]
        for entry in keyed[first:last]:
            key, step, node = entry
            if step is not _READ:
                kept.append(entry)
                continue
            at = _read_late(zone, key[:2])  # type: ignore[arg-type]
            if at is not None:
                late.append((at + key, step, node))
        done = last
    kept += keyed[done:]
    if late:
        kept += late
        kept.sort(key=_KEY)
    return kept


def _after(node: ast.AST, phase: int) -> _Key:
    """A point just after `node` ends: after everything inside it, before what follows it
    (nothing starts right where a function or class ends), and of scopes that end together,
    the inner one's (it starts later) first."""
    start = (node.lineno << 24) + node.col_offset  # type: ignore[attr-defined]
    return (node.end_lineno, node.end_col_offset, -start, phase)  # type: ignore[attr-defined]


class _Zone(NamedTuple):
    """Source the walk skips, or reads late: from `start` to `end`, the header of the function
    `owner`, or the decorators or a keyword of the class `owner`, as `part` says."""

    start: tuple[int, int]
    end: tuple[int, int]
    owner: ast.AST
    part: int


_HEADER, _DECORATORS, _KEYWORD = 0, 1, 2  # the parts of a zone


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
        self._zones.append(_Zone((first.lineno, first.col_offset), _start(function.body[0]), function, _HEADER))

    def add_class(self, cls: ast.ClassDef) -> None:
        if cls.decorator_list:
            self._zones.append(_Zone(_start(cls.decorator_list[0]), _end(cls.decorator_list[-1]), cls, _DECORATORS))
        if cls.bases and cls.keywords and _start(cls.keywords[0]) < _start(cls.bases[-1]):
            for keyword in cls.keywords:  # `class A(metaclass=M, *bases)` reads the bases first
                self._zones.append(_Zone(_start(keyword), _end(keyword), cls, _KEYWORD))

    def indexed(self) -> list[_Zone]:
        """The zones in source order."""
        self._zones.sort(key=itemgetter(0))
        return self._zones


def _read_late(zone: _Zone, start: tuple[int, int]) -> _Key | None:
    """Where the walk reads a node that starts at `start` inside `zone`, or None: never. Of a
    function's header it reads the defaults alone, after the body; a class's decorators after
    its body, and a keyword that comes before a `*base` after the bases."""
    owner = zone.owner
    if zone.part == _KEYWORD:
        return (*_end(owner.bases[-1]), 0, 0)  # type: ignore[attr-defined]
    if zone.part == _HEADER:
        if start < _start(owner):
            return None  # in a decorator: a function starts at its `def`
        defaults = [*owner.args.defaults, *owner.args.kw_defaults]  # type: ignore[attr-defined]
        if not any(default is not None and _start(default) <= start < _end(default) for default in defaults):
            return None
    return _after(owner, 1)


_start = attrgetter("lineno", "col_offset")  # (line, column) where a node starts
_end = attrgetter("end_lineno", "end_col_offset")  # and where it ends


def _walk_out_of_order(tree: ast.Module, nodes: list[ast.AST]) -> dict[ast.AST, _Key]:
    """For each of `nodes` inside a construct whose fields are out of source order, its key: the
    start of the outermost such construct and the node's rank in a real walk of it."""
    found: dict[ast.AST, _Key] = {}
    constructs = list(_out_of_order(tree))
    if not constructs:
        return found
    wanted = set(nodes)
    covered: set[ast.AST] = set()
    for construct in constructs:
        if construct in covered:
            continue
        rank = 0
        start = _start(construct)
        stack = [construct]
        while stack:
            node = stack.pop()
            covered.add(node)
            if node in wanted:
                rank += 1
                found[node] = (*start, rank)
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
