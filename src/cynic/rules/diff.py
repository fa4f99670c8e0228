"""Rules that judge a change rather than a tree: what a coding agent did during a run.

A `DiffRule` reads a `RoundDiff`: the files a run changed, each with its text before and after.
The diff is computed with `difflib` from the two texts, so the same rule runs on git commits
(the loop), on before/after folders (fixtures) and on the +/- sketch of a rule's doc example.
"""

from __future__ import annotations

import difflib
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from cynic.rules.base import Hit, Rule


@dataclass(frozen=True)
class FileChange:
    """One file's text before and after (None on the side where it does not exist)."""

    path: str
    before: str | None
    after: str | None

    @property
    def added(self) -> bool:
        return self.before is None

    @property
    def deleted(self) -> bool:
        return self.after is None

    @cached_property
    def _opcodes(self) -> list[tuple[str, int, int, int, int]]:
        matcher = difflib.SequenceMatcher(None, self.before_lines, self.after_lines, autojunk=False)
        return matcher.get_opcodes()

    @cached_property
    def before_lines(self) -> list[str]:
        return (self.before or "").splitlines()

    @cached_property
    def after_lines(self) -> list[str]:
        return (self.after or "").splitlines()

    def added_lines(self) -> list[tuple[int, str]]:
        """(1-based line in the new text, text) of every line the change added."""
        return [
            (j + 1, self.after_lines[j])
            for tag, _, _, j1, j2 in self._opcodes
            if tag in ("insert", "replace")
            for j in range(j1, j2)
        ]

    def removed_lines(self) -> list[tuple[int, str]]:
        """(anchor line in the new text, text) of every removed line. A replaced line is anchored
        at its replacement, a deleted one at the line just above the gap (1 at the top)."""
        return [
            (j1 + 1 if tag == "replace" else max(j1, 1), self.before_lines[i])
            for tag, i1, i2, j1, _ in self._opcodes
            if tag in ("delete", "replace")
            for i in range(i1, i2)
        ]

    def removed_line_numbers(self) -> list[int]:
        """1-based lines of the old text that the change removed."""
        return [i + 1 for tag, i1, i2, _, _ in self._opcodes if tag in ("delete", "replace") for i in range(i1, i2)]

    def first_changed_line(self) -> int:
        """The first line of the new text the change touched (1 for a deleted file)."""
        changed = [j1 + 1 for tag, _, _, j1, _ in self._opcodes if tag != "equal"]
        return min(changed[0] if changed else 1, max(len(self.after_lines), 1))


@dataclass(frozen=True)
class RoundDiff:
    """What a run changed: the changed files and the list of every file present afterwards."""

    files: tuple[FileChange, ...]
    after_paths: frozenset[str] = frozenset()
    protected: frozenset[str] = field(default=frozenset())  # paths the coder must never edit (the rulebook)

    @property
    def changed_paths(self) -> list[str]:
        return [change.path for change in self.files]

    def text(self) -> str:
        """A unified diff of the change, for a reviewer to read."""
        chunks: list[str] = []
        for change in self.files:
            chunks.extend(
                difflib.unified_diff(
                    change.before_lines,
                    change.after_lines,
                    fromfile="/dev/null" if change.added else f"a/{change.path}",
                    tofile="/dev/null" if change.deleted else f"b/{change.path}",
                    lineterm="",
                )
            )
        return "\n".join(chunks) + ("\n" if chunks else "")


class DiffRule(Rule):
    """A rule that judges what a coding agent changed, not the tree it left."""

    @abstractmethod
    def check_diff(self, diff: RoundDiff) -> Iterator[Hit]:
        """Where this rule fires in what the agent changed."""


def diff_between(
    before: Mapping[str, str],
    after: Mapping[str, str],
    *,
    after_paths: frozenset[str] | None = None,
    protected: frozenset[str] = frozenset(),
) -> RoundDiff:
    """The diff between two {path: text} maps; unchanged files are left out."""
    changes = tuple(
        FileChange(path=path, before=before.get(path), after=after.get(path))
        for path in sorted(set(before) | set(after))
        if before.get(path) != after.get(path)
    )
    return RoundDiff(files=changes, after_paths=frozenset(after) if after_paths is None else after_paths, protected=protected)


def read_folder(root: Path) -> dict[str, str]:
    """{relative posix path: text} for every file under `root`."""
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def diff_from_sketch(path: str, sketch: str) -> RoundDiff:
    """A one-file diff from a +/- sketch (lines starting with `+` are added, `-` removed, the
    rest kept), as written in a diff rule's doc example."""
    before: list[str] = []
    after: list[str] = []
    for line in sketch.splitlines():
        marker, text = (line[:1], line[1:]) if line[:1] in "+- " and line else (" ", line)
        if marker != "+":
            before.append(text)
        if marker != "-":
            after.append(text)
    old = "\n".join(before) + "\n" if any(line.strip() for line in before) else None
    new = "\n".join(after) + "\n" if any(line.strip() for line in after) else None
    return diff_between({path: old} if old is not None else {}, {path: new} if new is not None else {})
