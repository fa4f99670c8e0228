"""New or already there? Pair head findings with merge-base findings the way a reviewer would.

A finding keeps its identity when lines are inserted above it, when its code is reindented or
reformatted, and when its file is renamed. Matching goes in two passes over the findings still
unpaired, each pairing one base finding with at most one head finding (a multiset match):

1. same rule, same file (following git's renames), same code on the finding's line;
2. same rule, same file, same code around the line (a few lines either side).

Code is compared with all whitespace removed. What pairs is `existing`; head findings left over
are `new`; base findings left over were `fixed` by the change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from cynic.fingerprints import code_key
from cynic.models import Finding

CONTEXT_RADIUS = 2


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

    def context(self, finding: Finding) -> str:
        """The code around the finding's line (not the line itself), whitespace removed."""
        lines = self.lines(finding.path)
        above = lines[max(0, finding.line - 1 - CONTEXT_RADIUS) : max(0, finding.line - 1)]
        below = lines[finding.line : finding.line + CONTEXT_RADIUS]
        return "\n".join(key for key in map(code_key, (*above, *below)) if key)


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

    passes: list[tuple[Callable[[Finding], Hashable], Callable[[Finding], Hashable]]] = [
        (
            lambda f: (f.rule, head_path(f), code_key(f.evidence)),
            lambda f: (f.rule, f.path, code_key(f.evidence)),
        ),
        (
            lambda f: (f.rule, head_path(f), base_tree.context(f)),
            lambda f: (f.rule, f.path, head_tree.context(f)),
        ),
    ]
    for base_key, head_key in passes:
        waiting: dict[Hashable, list[Finding]] = defaultdict(list)
        for finding in base_left:
            waiting[base_key(finding)].append(finding)
        unpaired_head = []
        for finding in head_left:
            queue = waiting.get(head_key(finding))
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
