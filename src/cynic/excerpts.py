"""The lines of a file that its findings read: the lines they point at, and every line that may
hold a suppression (one that mentions `cynic:`).

An audit keeps them in the cache under the file's digest, so that the next audit writes the
evidence of an unchanged file's findings, and finds their suppressions, without reading the file
again: a warm audit reads only the files that changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import TYPE_CHECKING, NamedTuple

from cynic.source import SourceFile

if TYPE_CHECKING:
    from cynic.analysis import Hit

SUPPRESSION_MARK = "cynic:"  # in every suppression comment (`cynic.suppressions`)


class Excerpt(NamedTuple):
    """Some of the lines of the file whose content has `digest`, by 1-based number."""

    digest: str
    lines: dict[int, str]

    def text(self, line: int) -> str:
        """The line's text without its newline ('' past the end of the file)."""
        return self.lines.get(line, "")


def excerpt_of(source: SourceFile, numbers: Collection[int], kept: Excerpt | None) -> Excerpt:
    """The lines `numbers` of `source` and those that may hold a suppression: from `kept` (an
    excerpt of an earlier audit) when it is of the same content and holds them, else read."""
    if kept is not None and kept.digest == source.digest and all(number in kept.lines for number in numbers):
        return kept
    lines = source.lines
    found = {number: lines[number - 1] if 1 <= number <= len(lines) else "" for number in numbers}
    if SUPPRESSION_MARK in source.text:
        found.update((number, text) for number, text in enumerate(lines, start=1) if SUPPRESSION_MARK in text)
    return Excerpt(source.digest, found)


def excerpts_for(hits: list[tuple[str, Hit]], files: dict[str, SourceFile], kept: dict[str, Excerpt]) -> dict[str, Excerpt]:
    """For each file some hit points into, the lines its findings read (from `kept` where they can be)."""
    numbers: dict[str, set[int]] = defaultdict(set)
    for _, hit in hits:
        numbers[hit.path].add(hit.line)
    return {path: excerpt_of(files[path], lines, kept.get(path)) for path, lines in numbers.items() if path in files}
