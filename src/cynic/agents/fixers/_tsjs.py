"""tree-sitter helpers shared by the TypeScript/JavaScript fixers: find nodes, edit byte ranges."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath

import tree_sitter

from cynic.agents.fixers._workspace import Workspace


@cache
def _parser(suffix: str) -> tree_sitter.Parser:
    if suffix in (".ts", ".mts", ".cts", ".tsx"):
        import tree_sitter_typescript

        grammar = tree_sitter_typescript.language_tsx() if suffix == ".tsx" else tree_sitter_typescript.language_typescript()
    else:
        import tree_sitter_javascript

        grammar = tree_sitter_javascript.language()
    return tree_sitter.Parser(tree_sitter.Language(grammar))


def parse_script(path: str, source: bytes) -> tree_sitter.Tree:
    """Parse TS, TSX, JS or JSX by the file's suffix."""
    return _parser(PurePosixPath(path).suffix.lower()).parse(source)


@dataclass(frozen=True)
class Edit:
    """Replace bytes [start, end) with `text`."""

    start: int
    end: int
    text: str


@dataclass
class ScriptFile:
    path: str
    source: bytes
    tree: tree_sitter.Tree

    def nodes(self, kind: str, where: Callable[[tree_sitter.Node], bool] = lambda _: True) -> list[tree_sitter.Node]:
        """Every named node of a type, in source order."""
        return [n for n in walk(self.tree.root_node) if n.type == kind and where(n)]

    def at_line(self, line: int, kind: str, where: Callable[[tree_sitter.Node], bool] = lambda _: True) -> tree_sitter.Node | None:
        """The smallest node of a type whose lines include the 1-based `line`."""
        around = [n for n in self.nodes(kind, where) if n.start_point.row + 1 <= line <= n.end_point.row + 1]
        return min(around, key=lambda n: n.end_byte - n.start_byte, default=None)

    def text(self, node: tree_sitter.Node) -> str:
        return self.source[node.start_byte : node.end_byte].decode()

    def apply(self, edits: list[Edit]) -> str:
        """The file's text with non-overlapping edits applied."""
        result = self.source
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            result = result[: edit.start] + edit.text.encode() + result[edit.end :]
        return result.decode()


def load(files: Workspace, path: str) -> ScriptFile:
    source = files.read(path).encode()
    return ScriptFile(path, source, parse_script(path, source))


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """`node` and every named node under it, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.named_children))


def line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def indentation(source: bytes, node: tree_sitter.Node) -> str:
    start = line_start(source, node.start_byte)
    line = source[start : node.start_byte].decode()
    return line[: len(line) - len(line.lstrip())]


def whole_lines(source: bytes, node: tree_sitter.Node) -> Edit:
    """An edit deleting the lines `node` occupies (it must stand alone on them)."""
    start = line_start(source, node.start_byte)
    end = source.find(b"\n", node.end_byte)
    return Edit(start, len(source) if end < 0 else end + 1, "")


def remove_from_list(source: bytes, node: tree_sitter.Node) -> Edit:
    """An edit deleting an element of an object/argument list with its comma and its line if alone."""
    parent = node.parent
    if parent is not None and [n for n in parent.named_children if n.type != "comment"] == [node]:
        return Edit(parent.start_byte + 1, parent.end_byte - 1, "")
    end = node.end_byte
    following = node.next_sibling
    if following is not None and following.type == ",":
        end = following.end_byte
    start = node.start_byte
    before = source[line_start(source, start) : start]
    after_end = source.find(b"\n", end)
    rest = source[end : len(source) if after_end < 0 else after_end]
    if not before.strip() and not rest.strip():
        return Edit(line_start(source, start), after_end + 1, "")
    previous = node.prev_sibling
    if following is None or following.type != ",":
        if previous is not None and previous.type == ",":
            start = previous.start_byte
    elif source[end : end + 1] == b" ":
        end += 1
    return Edit(start, end, "")


def add_import(script: ScriptFile, statement: str) -> Edit | None:
    """An edit adding an import statement after the file's imports, or None when it is there."""
    imports = [n for n in script.tree.root_node.named_children if n.type == "import_statement"]
    if any(script.text(n).replace("'", '"').rstrip(";") == statement.rstrip(";") for n in imports):
        return None
    if imports:
        end = imports[-1].end_byte
        return Edit(end, end, "\n" + statement)
    return Edit(0, 0, statement + "\n\n")


def quote_of(source: bytes) -> str:
    """The string quote the file mostly uses."""
    return "'" if source.count(b"'") > source.count(b'"') else '"'


def callee(script: ScriptFile, call: tree_sitter.Node) -> str:
    """The text of what a call calls: `fetch`, `axios.create`, `api.get`."""
    function = call.child_by_field_name("function")
    return script.text(function) if function is not None else ""


def arguments(call: tree_sitter.Node) -> list[tree_sitter.Node]:
    found = call.child_by_field_name("arguments")
    return [n for n in found.named_children if n.type != "comment"] if found is not None else []


def property_key(script: ScriptFile, pair: tree_sitter.Node) -> str:
    key = pair.child_by_field_name("key")
    return script.text(key).strip("\"'") if key is not None else ""


def with_property(script: ScriptFile, obj: tree_sitter.Node, key: str, value: str) -> list[Edit]:
    """Edits that make object literal `obj` hold `key: value` (replacing the value when the key is there)."""
    pairs = [p for p in obj.named_children if p.type == "pair"]
    existing = next((p for p in pairs if property_key(script, p) == key), None)
    if existing is not None:
        current = existing.child_by_field_name("value")
        return [] if script.text(current) == value else [Edit(current.start_byte, current.end_byte, value)]
    members = [n for n in obj.named_children if n.type != "comment"]
    if not members:
        return [Edit(obj.start_byte, obj.end_byte, f"{{ {key}: {value} }}")]
    first = members[0]
    if first.start_point.row != obj.start_point.row:  # one property per line
        return [Edit(first.start_byte, first.start_byte, f"{key}: {value},\n{indentation(script.source, first)}")]
    return [Edit(first.start_byte, first.start_byte, f"{key}: {value}, ")]
