"""Where a string comes from, within one scope: is it SQL text built from values?

A small, flow-ordered string tracker for SQL001. It follows assignments and `+=` in the order the
statements appear, knows module-level string constants, and treats a same-module helper that
returns a built string as a built string one call away.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

from cynic.parsing.pyast import const_value, functions, last_name, nodes_of

_ATTRIBUTE_NAME = attrgetter("attr")


class Fragments(NamedTuple):
    """The literal text of a string expression and whether any value was spliced into it."""

    text: str
    built: bool


@dataclass
class StringScope:
    """What the names of one scope hold, as the statements so far have assigned them."""

    constants: dict[str, str] = field(default_factory=dict)
    built: dict[str, str] = field(default_factory=dict)
    helpers: dict[str, str] = field(default_factory=dict)  # function name -> text it returns

    def child(self) -> StringScope:
        return StringScope(dict(self.constants), {}, self.helpers)

    def fragments(self, node: ast.AST | None) -> Fragments | None:
        """The string's fragments, or None when the expression is not known to be a string."""
        if isinstance(node, ast.Constant):
            return Fragments(node.value, False) if isinstance(node.value, str) else None
        if isinstance(node, ast.Name):
            if node.id in self.built:
                return Fragments(self.built[node.id], True)
            if node.id in self.constants:
                return Fragments(self.constants[node.id], False)
            return None
        if isinstance(node, ast.JoinedStr):
            return self._joined(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.fragments(node.left), self.fragments(node.right)
            if left is None and right is None:
                return None
            text = (left.text if left else "") + (right.text if right else "")
            return Fragments(text, any(part is None or part.built for part in (left, right)))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = self.fragments(node.left)
            if left is None:
                return None
            return Fragments(left.text, left.built or not self._constant(node.right))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            base = self.fragments(node.func.value)
            if base is None:
                return None
            values = [*node.args, *(kw.value for kw in node.keywords)]
            return Fragments(base.text, base.built or not all(self._constant(v) for v in values))
        if isinstance(node, ast.Call) and last_name(node.func) in self.helpers:
            return Fragments(self.helpers[last_name(node.func) or ""], True)
        return None

    def assign(self, name: str, value: ast.AST | None) -> None:
        """Record `name = value`."""
        found = self.fragments(value)
        self.built.pop(name, None)
        self.constants.pop(name, None)
        if found is not None:
            (self.built if found.built else self.constants)[name] = found.text

    def append(self, name: str, value: ast.AST) -> None:
        """Record `name += value`."""
        current = self.fragments(ast.Name(id=name))
        addition = self.fragments(value)
        if current is None and addition is None:
            return
        text = (current.text if current else "") + (addition.text if addition else "")
        built = current is None or current.built or addition is None or addition.built
        self.built.pop(name, None)
        self.constants.pop(name, None)
        (self.built if built else self.constants)[name] = text

    def _joined(self, node: ast.JoinedStr) -> Fragments:
        text, built = [], False
        for part in node.values:
            if isinstance(part, ast.Constant):
                text.append(str(part.value))
                continue
            value = part.value if isinstance(part, ast.FormattedValue) else part
            inner = self.fragments(value)
            if inner is None:
                built = built or not self._constant(value)
            else:
                text.append(inner.text)
                built = built or inner.built
        return Fragments("".join(text), built)

    def _constant(self, node: ast.AST) -> bool:
        if const_value(node) is not ...:
            return True
        found = self.fragments(node)
        return found is not None and not found.built


class BuildableShapes:
    """Which expressions of one module `StringScope.fragments` could ever call built, in any scope.

    A necessary condition, read from the module's node index without tracking any flow: a built
    string is an f-string, a `+` or `%`, a `.format()` call, a call of one of the module's own
    functions (a helper), or a name that a tracked assignment somewhere in the file could bind to
    one of those, to another name, or extend with `+=`. Keep it in step with `fragments` and
    SQL001's `_track`.
    """

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree

    def any_in_module(self) -> bool:
        """Whether the module holds a shape that builds a string at all: an f-string, a `+` or `%`,
        a `+=` or a `.format()` call. Names and helpers only pass on what one of those built, so
        without one no expression of the module is built; most modules have one."""
        tree = self.tree
        if nodes_of(tree, ast.JoinedStr) or nodes_of(tree, ast.BinOp) or nodes_of(tree, ast.AugAssign):
            return True
        return "format" in map(_ATTRIBUTE_NAME, nodes_of(tree, ast.Attribute))

    def may_build(self, node: ast.AST | None) -> bool:
        """False when no scope's `fragments(node)` can be built; True when one might."""
        if isinstance(node, ast.Name):
            return node.id in self.assigned_built
        return self._built_shape(node)

    def _built_shape(self, node: ast.AST | None) -> bool:
        if isinstance(node, ast.JoinedStr):
            return True
        if isinstance(node, ast.BinOp):
            return isinstance(node.op, (ast.Add, ast.Mod))
        if isinstance(node, ast.Call):
            func = node.func
            return (isinstance(func, ast.Attribute) and func.attr == "format") or last_name(func) in self.function_names
        return False

    @cached_property
    def function_names(self) -> frozenset[str]:
        return frozenset(function.name for function in functions(self.tree))

    @cached_property
    def assigned_built(self) -> frozenset[str]:
        """Names that some assignment of the file could bind to a built string."""
        names: set[str] = set()
        assignments = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)  # in any order: a set is made
        for node in chain.from_iterable(nodes_of(self.tree, kind) for kind in assignments):
            if isinstance(node, ast.Assign):
                target = node.targets[0] if len(node.targets) == 1 else None
            else:
                target = node.target  # type: ignore[attr-defined]
            if not isinstance(target, ast.Name):
                continue
            if isinstance(node, ast.AugAssign):
                if isinstance(node.op, ast.Add):
                    names.add(target.id)
            elif isinstance(node.value, ast.Name) or self._built_shape(node.value):  # type: ignore[attr-defined]
                names.add(target.id)
        return frozenset(names)
