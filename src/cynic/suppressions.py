"""Inline suppressions: `cynic: ignore[RULE] reason`, on the finding's line or the line above.

A reason is required. A suppression without one is not honoured and is reported, so that a
silenced finding always says who silenced it and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from cynic.lazy_pattern import lazy_compile

_MARKER = lazy_compile(r"cynic:\s*ignore\[(?P<rules>[A-Za-z0-9_*,\s-]*)\](?P<reason>.*)$")
_COMMENT_CLOSERS = lazy_compile(r"(\*/\s*\}?|-->|\*/)\s*$")


class Suppression(NamedTuple):
    """One `cynic: ignore[...]` comment: its line, the rule codes it names, and its reason."""

    line: int
    rules: frozenset[str]
    reason: str

    def covers(self, rule: str) -> bool:
        return rule in self.rules or "*" in self.rules


def find_suppressions(lines: Iterable[tuple[int, str]]) -> dict[int, Suppression]:
    """Every suppression comment among a file's (1-based number, text) lines, by number."""
    found: dict[int, Suppression] = {}
    for number, text in lines:
        if "cynic:" not in text:
            continue
        match = _MARKER.search(text)
        if match is None:
            continue
        rules = frozenset(r.strip().upper() for r in match["rules"].split(",") if r.strip())
        reason = _COMMENT_CLOSERS.sub("", match["reason"]).strip(" \t-:—")
        found[number] = Suppression(line=number, rules=rules, reason=reason)
    return found


def suppression_for(suppressions: dict[int, Suppression], rule: str, line: int) -> Suppression | None:
    """The suppression that covers `rule` at `line` (same line or the one above), if any."""
    for candidate in (line, line - 1):
        suppression = suppressions.get(candidate)
        if suppression is not None and suppression.covers(rule):
            return suppression
    return None
