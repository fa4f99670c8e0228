"""New or already there? Pair head findings with merge-base findings the way a reviewer would.

A finding keeps its identity when lines are inserted above it, when its code is reindented or
reformatted, and when its file is renamed. Matching goes in two passes over the findings still
unpaired, each pairing one base finding with at most one head finding (a multiset match):

1. same rule, same file (following git's renames), same code on the finding's line;
2. same rule, same file, same code on the non-blank lines just above (the line itself was
   reformatted or split);
3. same rule, same file, same code on the non-blank lines just below (lines were inserted
   right above a line that also changed).

Code is compared with all whitespace removed. What pairs is `existing`; head findings left over
are `new`; base findings left over were `fixed` by the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cynic.fingerprints import code_key
from cynic.models import Finding

CONTEXT_LINES = 2


@dataclass
class Comparison:
    new: list[Finding] = field(default_factory=list)
    existing: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)


class TreeLines:
    """Reads the lines of files under one exported tree, each file once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lines = cache(self._read)

    def _read(self, path: str) -> tuple[str, ...]:
        try:
            return tuple((self.root / path).read_text(encoding="utf-8", errors="replace").splitlines())
        except OSError:
            return ()

    def above(self, finding: Finding) -> tuple[str, ...] | None:
        """The code of the non-blank lines just above the finding, whitespace removed."""
        lines = self.lines(finding.path)[: max(0, finding.line - 1)]
        return _nearest_code(reversed(lines))

    def below(self, finding: Finding) -> tuple[str, ...] | None:
        """The code of the non-blank lines just below the finding, whitespace removed."""
        return _nearest_code(self.lines(finding.path)[max(0, finding.end_line) :])


def _nearest_code(lines: Iterable[str]) -> tuple[str, ...] | None:
    """The first CONTEXT_LINES non-blank lines' code, or None when there are not that many."""
    found = []
    for line in lines:
        key = code_key(line)
        if key:
            found.append(key)
            if len(found) == CONTEXT_LINES:
                return tuple(found)
    return None


def compare(
    base: Sequence[Finding],
    head: Sequence[Finding],
    *,
    renames: Mapping[str, str],
    base_tree: TreeLines,
    head_tree: TreeLines,
) -> Comparison:
    """Split findings into new (head only), existing (both) and fixed (base only)."""
    base_left = sorted(base, key=_position)
    head_left = sorted(head, key=_position)
    paired: set[int] = set()

    def head_path(finding: Finding) -> str:
        return renames.get(finding.path, finding.path)

    Key = Callable[[Finding], tuple[Hashable, ...]]
    passes: list[tuple[Key, Key]] = [
        (
            lambda f: (f.rule, head_path(f), code_key(f.evidence)),
            lambda f: (f.rule, f.path, code_key(f.evidence)),
        ),
        (
            lambda f: (f.rule, head_path(f), "above", base_tree.above(f)),
            lambda f: (f.rule, f.path, "above", head_tree.above(f)),
        ),
        (
            lambda f: (f.rule, head_path(f), "below", base_tree.below(f)),
            lambda f: (f.rule, f.path, "below", head_tree.below(f)),
        ),
    ]
    for base_key, head_key in passes:
        waiting: dict[tuple[Hashable, ...], list[Finding]] = defaultdict(list)
        for finding in base_left:
            waiting[base_key(finding)].append(finding)
        unpaired_head = []
        for finding in head_left:
            key = head_key(finding)
            queue = waiting.get(key) if key[-1] is not None else None
            if queue:
                paired.add(id(queue.pop(0)))
                paired.add(id(finding))
            else:
                unpaired_head.append(finding)
        head_left = unpaired_head
        base_left = [f for f in base_left if id(f) not in paired]
    return Comparison(
        new=[f for f in head if id(f) not in paired],
        existing=[f for f in head if id(f) in paired],
        fixed=[f for f in base if id(f) not in paired],
    )


def _position(finding: Finding) -> tuple[str, int, str]:
    return (finding.path, finding.line, finding.rule)
