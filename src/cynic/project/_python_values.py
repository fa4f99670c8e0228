"""Readers that turn `ast` expressions into the small values the Python facts keep."""

from __future__ import annotations

import ast
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

from cynic.parsing.pyast import call_name, child_nodes, const_value, dotted_name, expression_text, last_name, walk
from cynic.parsing.python import is_rewritten
from cynic.project.python_facts import Dependency, Value

PARAM_SOURCES = {
    "Query": "query", "Path": "path", "Body": "body", "Form": "form", "Header": "header",
    "Cookie": "cookie", "File": "file", "UploadFile": "file",
}
DEPENDS = frozenset({"Depends", "Security"})
_ENV_READERS = frozenset({"os.getenv", "getenv", "os.environ.get", "environ.get", "os.environ", "environ"})
# The only expressions `ast.literal_eval` reads besides constants (`set()` is its one call).
_LITERAL_SHAPES = frozenset({ast.Tuple, ast.List, ast.Set, ast.Dict, ast.Call, ast.UnaryOp, ast.BinOp})
_PLAIN_LITERALS = frozenset({str, int, bool, type(None), type(...), float, bytes})  # what `freeze` keeps as it is
_Name, _Attribute, _Call, _Constant = ast.Name, ast.Attribute, ast.Call, ast.Constant
T = TypeVar("T")


def freeze(value: object) -> object:
    """Literal values made hashable: lists and sets become tuples, dicts tuples of pairs. A set's
    items are sorted (by their repr, which any literal has): iterating a set of strings follows
    their hashes, which differ from process to process, and facts must not."""
    if type(value) in _PLAIN_LITERALS:
        return value
    if isinstance(value, (list, tuple)):
        return tuple(freeze(item) for item in value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted((freeze(item) for item in value), key=repr))
    if isinstance(value, dict):
        return tuple((freeze(k), freeze(v)) for k, v in value.items())
    return value


# The two children of these classes, the later one first (to be read last from a stack).
_LATER_FIRST = {ast.Subscript: attrgetter("slice", "value"), ast.BinOp: attrgetter("right", "left")}


def refs_of(node: ast.AST | None) -> tuple[str, ...]:
    """Every maximal dotted name an expression reads, in source order, without repeats."""
    kind = type(node)
    if kind is _Name:
        return (node.id,)  # type: ignore[union-attr]
    if node is None or kind is _Constant:
        return ()
    if kind is _Attribute:
        name = dotted_name(node)
        if name:
            return (name,)
    found: list[str] = []
    stack = [node]
    while stack:  # a walk in `child_nodes` order, the common classes' children read directly
        child = stack.pop()
        kind = type(child)
        if kind is _Name:
            found.append(child.id)  # type: ignore[attr-defined]
        elif kind is _Constant:
            continue
        elif kind is _Attribute:
            name = dotted_name(child)
            if name:
                found.append(name)
            else:
                stack.append(child.value)  # type: ignore[attr-defined]
        elif kind is _Call:
            stack.extend([keyword.value for keyword in reversed(child.keywords)])  # type: ignore[attr-defined]
            stack.extend(reversed(child.args))  # type: ignore[attr-defined]
            stack.append(child.func)  # type: ignore[attr-defined]
        elif kind is ast.Subscript or kind is ast.BinOp:
            stack += _LATER_FIRST[kind](child)
        elif kind is ast.Compare:
            stack.extend(reversed(child.comparators))  # type: ignore[attr-defined]
            stack.append(child.left)  # type: ignore[attr-defined]
        else:
            stack.extend(reversed(child_nodes(child)))
    return tuple(dict.fromkeys(found))


def reads_env(node: ast.AST) -> bool:
    """True when the expression reads the process environment by hand."""
    for child in walk(node):
        if type(child) in (ast.Name, ast.Attribute) and dotted_name(child) in _ENV_READERS:
            return True
    return False


def literal_of(node: ast.AST) -> object:
    """`const_value(node)`, without trying the expressions that cannot be literals."""
    kind = type(node)
    if kind is ast.Constant:
        return node.value  # type: ignore[attr-defined]
    if kind not in _LITERAL_SHAPES or (kind is ast.Call and not _is_empty_set(node)):  # type: ignore[arg-type]
        return ...
    return const_value(node)


def _is_empty_set(call: ast.Call) -> bool:
    return type(call.func) is ast.Name and call.func.id == "set" and not call.args and not call.keywords


def summarize(node: ast.AST) -> Value:
    """A `Value` for any expression."""
    text = expression_text(node)
    return Value(
        text if len(text) <= 160 else text[:157] + "...",
        freeze(literal_of(node)),
        refs_of(node),
        dotted_name(node.func) if type(node) is _Call else None,  # type: ignore[attr-defined]
        # every environment reader's name is in the expression's text
        ("environ" in text or "getenv" in text) and reads_env(node),
    )


Summarize = Callable[[ast.AST], Value]
_KEPT = 100_000  # how many texts a memo of `SourceTexts` keeps: a bound in a long-lived process
_SUMMARIES: dict[str, Value] = {}


class SourceTexts:
    """The one-line source texts of a module's expressions, by which what is read from an
    expression's tree alone is read once per process: the same text always parses to the same
    tree, and apps write the same defaults, arguments and annotations in many modules
    (`Field(default=None, max_length=255)`, `Depends(get_db)`, `item_id: uuid.UUID`).

    Only where the tree's columns are its text's: counted in characters, as in an ASCII text
    whose lines are those Python counts (no carriage return), and not rewritten to parse.
    """

    def __init__(self, tree: ast.Module, text: str) -> None:
        plain = text.isascii() and "\r" not in text and not is_rewritten(tree)
        self._lines = text.split("\n") if plain else None

    def of(self, node: ast.AST) -> str | None:
        """The source text of `node` when it is on one line of a text whose columns are known."""
        lines = self._lines
        line = node.lineno  # type: ignore[attr-defined]
        if lines is None or line != node.end_lineno:  # type: ignore[attr-defined]
            return None
        return lines[line - 1][node.col_offset : node.end_col_offset]  # type: ignore[attr-defined]

    def summarize(self, node: ast.AST) -> Value:
        """`summarize(node)`, made once per source text."""
        written = self.of(node)
        if written is None:
            return summarize(node)
        value = _SUMMARIES.get(written)
        if value is None:
            value = remember(_SUMMARIES, written, summarize(node))
        return value

    def refs_of(self, node: ast.AST | None) -> tuple[str, ...]:
        """`refs_of(node)`, made once per source text for an expression longer than a dotted name."""
        kind = type(node)
        if kind is _Name:
            return (node.id,)  # type: ignore[union-attr]
        if node is None or kind is _Constant or kind is _Attribute:
            return refs_of(node)
        written = self.of(node)
        if written is None:
            return refs_of(node)
        refs = _REFS.get(written)
        if refs is None:
            refs = remember(_REFS, written, refs_of(node))
        return refs


_REFS: dict[str, tuple[str, ...]] = {}


def remember(memo: dict[Any, T], key: Any, value: T) -> T:
    """`value`, kept in `memo` under `key` while the memo holds fewer than `_KEPT`."""
    if len(memo) < _KEPT:
        memo[key] = value
    return value


def keyword_values(call: ast.Call, summarize: Summarize = summarize) -> tuple[tuple[str, Value], ...]:
    """Keyword arguments summarised; `**options` is kept under the name "**"."""
    return tuple((kw.arg or "**", summarize(kw.value)) for kw in call.keywords)


def dependency_of(node: ast.AST | None) -> Dependency | None:
    """The dependency of `Depends(x)` / `Security(x, scopes=[...])`, else None."""
    if not (type(node) is ast.Call and last_name(node.func) in DEPENDS):
        return None
    inner = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "dependency"), None)
    if inner is None:
        return Dependency(target="", text=expression_text(node), line=node.lineno)
    target = call_name(inner) if type(inner) is ast.Call else dotted_name(inner)
    text = expression_text(inner)
    scopes = next((k.value for k in node.keywords if k.arg == "scopes"), None)
    if scopes is not None:
        text += f" scopes={expression_text(scopes)}"
    return Dependency(target=target or "", text=text, line=node.lineno)


def dependencies_in(node: ast.AST | None) -> tuple[Dependency, ...]:
    """Every `Depends(...)` in a `dependencies=[...]` list."""
    if node is None:
        return ()
    found = (dependency_of(child) for child in walk(node))
    return tuple(dep for dep in found if dep is not None)


def param_source(node: ast.AST | None) -> str | None:
    """"query" for `Query(...)`, "body" for `Body(...)`... else None."""
    if type(node) is ast.Call:
        return PARAM_SOURCES.get(last_name(node.func) or "")
    return None


def unwrap_annotation(node: ast.AST | None) -> tuple[ast.AST | None, list[ast.AST]]:
    """(base type, metadata) of `Annotated[T, m1, m2]`; (node, []) for anything else."""
    if type(node) is ast.Subscript and last_name(node.value) == "Annotated":  # type: ignore[union-attr]
        items = node.slice.elts if type(node.slice) is ast.Tuple else [node.slice]
        if items:
            return items[0], list(items[1:])
    return node, []


def read_annotated(node: ast.AST | None) -> tuple[ast.AST | None, tuple[str, ...], Dependency | None, str | None]:
    """(base type, names in the base type, dependency, parameter source) of an annotation."""
    base, metadata = unwrap_annotation(node)
    if not metadata:
        return base, refs_of(base), None, None
    dependency = next((d for d in map(dependency_of, metadata) if d is not None), None)
    source = next((s for s in map(param_source, metadata) if s is not None), None)
    return base, refs_of(base), dependency, source


def compare_side(node: ast.AST) -> str | None:
    """A comparison operand as the facts keep it: a dotted name, "<const>", or None."""
    if type(node) is ast.Constant:
        return "<const>"
    if type(node) is ast.Call and type(node.func) is ast.Name and node.func.id in ("str", "int", "UUID") and node.args:
        return compare_side(node.args[0])
    return dotted_name(node)


def status_code_of(node: ast.AST) -> int | None:
    """429 for `429` passed as a status, `status.HTTP_429_TOO_MANY_REQUESTS`, `HTTPStatus.TOO_MANY_REQUESTS`."""
    if type(node) is ast.Constant and isinstance(node.value, int) and 400 <= node.value < 600:
        return node.value
    name = last_name(node) if type(node) in (ast.Name, ast.Attribute) else None
    if name and name.startswith("HTTP_") and name[5:8].isdigit():
        return int(name[5:8])
    if name == "TOO_MANY_REQUESTS":
        return 429
    return None
