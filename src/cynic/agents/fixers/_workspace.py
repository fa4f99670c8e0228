"""The files a fixing run edits: read once, edited in memory, checked, written back at the end.

Every fixer reads and writes through a `Workspace`, so that one finding's edits can be undone
when they would break a file's syntax, and so that the report knows exactly which files changed.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path, PurePosixPath

from cynic.models import Finding
from cynic.source import FileKind, kind_of


class Unfixable(Exception):
    """A fixer cannot fix this finding; the message says why and what a person should do.

    `keep_edits` keeps the safe part a fixer did (e.g. a rate limiter wired into the app while
    one login route is left to a person) while the finding itself stays open.
    """

    def __init__(self, reason: str, *, keep_edits: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.keep_edits = keep_edits


class Gone(Exception):
    """The finding's code is no longer in the file: an earlier fix in this run (or before) removed it."""


class Workspace:
    """An in-memory overlay on the files under `root`; `None` stands for a file that does not exist."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._original: dict[str, str | None] = {}
        self._current: dict[str, str | None] = {}
        self._line_maps: dict[str, list[int]] = {}  # original line (0-based) -> current line

    @cached_property
    def _listed(self) -> list[str]:
        from cynic.walk import discover

        return sorted(source.path for source in discover(self.root).files)

    def files(self, kind: FileKind) -> list[str]:
        """The project's files of one kind (tests excluded, new files included), sorted."""
        created = [path for path, text in self._current.items() if text is not None and path not in self._listed]
        return sorted(path for path in {*self._listed, *created} if kind_of(path) == kind and self.exists(path))

    def exists(self, path: str) -> bool:
        return self._load(path) is not None

    def read(self, path: str) -> str:
        """The file's current text; raises Unfixable when it does not exist or is not text."""
        text = self._load(path)
        if text is None:
            raise Unfixable(f"{path} does not exist or is not UTF-8 text")
        return text

    def write(self, path: str, text: str) -> None:
        before = self._load(path)
        self._current[path] = text
        if before is not None:
            moves = _line_moves(before, text)
            self._line_maps[path] = [moves[line] for line in self._line_map(path)]

    def current_line(self, path: str, line: int) -> int:
        """Where the 1-based line `line` of the file as it was on disk is now (edits shift lines)."""
        mapping = self._line_map(path)
        return mapping[line - 1] + 1 if 1 <= line <= len(mapping) else line

    def snapshot(self) -> tuple[dict[str, str | None], dict[str, list[int]]]:
        return dict(self._current), dict(self._line_maps)

    def restore(self, snapshot: tuple[dict[str, str | None], dict[str, list[int]]]) -> None:
        self._current, self._line_maps = dict(snapshot[0]), dict(snapshot[1])

    def changed_since(self, snapshot: tuple[dict[str, str | None], dict[str, list[int]]]) -> list[str]:
        before = snapshot[0]
        return sorted(p for p, text in self._current.items() if before.get(p, self._original.get(p)) != text)

    def changed(self) -> list[str]:
        """Paths whose text differs from what is on disk, sorted."""
        return sorted(p for p, text in self._current.items() if self._original.get(p) != text)

    def flush(self) -> None:
        """Write every changed file to disk."""
        for path in self.changed():
            text = self._current[path]
            target = self.root / PurePosixPath(path)
            if text is None:
                target.unlink(missing_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    def _line_map(self, path: str) -> list[int]:
        if path not in self._line_maps:
            original = self._original.get(path) or ""
            self._line_maps[path] = list(range(len(original.splitlines()) + 1))
        return self._line_maps[path]

    def _load(self, path: str) -> str | None:
        if path not in self._current:
            target = self.root / PurePosixPath(path)
            try:
                text: str | None = target.read_text(encoding="utf-8") if target.is_file() else None
            except UnicodeDecodeError:
                text = None
            self._original[path] = self._current[path] = text
        return self._current[path]


def _line_moves(before: str, after: str) -> list[int]:
    """For each line of `before` (0-based, plus one past the end), its line in `after`.

    A line that an edit replaced maps to the first line of its replacement.
    """
    from difflib import SequenceMatcher

    old, new = before.splitlines(), after.splitlines()
    moves = [0] * (len(old) + 1)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        for offset, i in enumerate(range(i1, i2)):
            moves[i] = j1 + offset if tag == "equal" else min(j1 + offset, max(j1, j2 - 1))
    moves[len(old)] = len(new)
    return moves


def syntax_error(path: str, text: str) -> str | None:
    """Why `text` does not parse as the kind of file `path` is, or None when it parses."""
    kind = kind_of(path)
    if kind == FileKind.PYTHON:
        from cynic.parsing.python import PythonSyntaxError, parse_python

        try:
            parse_python(text, path)
        except PythonSyntaxError as error:
            return str(error)
        return None
    if kind == FileKind.SCRIPT:
        from cynic.agents.fixers._tsjs import parse_script

        root = parse_script(path, text.encode()).root_node
        return f"syntax error near line {_first_error_line(root)}" if root.has_error else None
    return None


def _first_error_line(node: object) -> int:
    cursor = [node]
    while cursor:
        current = cursor.pop(0)
        if current.is_error or current.is_missing:  # type: ignore[attr-defined]
            return current.start_point.row + 1  # type: ignore[attr-defined]
        cursor.extend(current.children)  # type: ignore[attr-defined]
    return 1


def locate(files: Workspace, finding: Finding) -> int:
    """The finding's line in the file as edited so far, re-found by its evidence when it moved.

    Raises `Gone` when the evidence is nowhere in the file any more: the code was already changed.
    """
    line = files.current_line(finding.path, finding.line)
    lines = files.read(finding.path).splitlines()
    if not finding.evidence or finding.whole_file:
        return line
    same = [number for number, text in enumerate(lines, start=1) if text.strip()[:300] == finding.evidence]
    if not same:
        raise Gone(finding.path)
    return min(same, key=lambda number: abs(number - line))
