"""Held-out frontend and container apps: the detectors must report exactly the annotated lines.

The apps under `tests/fixtures/apps/` are written like real projects (the full-stack template's
React client, a Next.js app, a Redux + axios shop, plain TS with React islands), not shaped to the
detectors, and annotated `ruleid` / `ok` like the rule fixtures. Run this module directly for the
per-rule precision and recall table:

    python -m tests.test_eval_frontend_apps
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from cynic.audit import audit
from tests.annotations import read_expectations

APPS_DIR = Path(__file__).parent / "fixtures" / "apps"
FRONTEND_APPS = ("template_frontend", "next_app", "redux_axios", "vanilla_mixed")
JUDGED_RULES = ("AUTH001", "AUTH004", "XSS001", "DOCK001", "SEC001", "INJ001")

Key = tuple[str, str, int]  # (rule, path, line)


@dataclass(frozen=True)
class AppScore:
    """What the audit reported on one app against its annotations (todo lines left out)."""

    expected: frozenset[Key]
    reported: frozenset[Key]

    @property
    def missed(self) -> list[Key]:
        return sorted(self.expected - self.reported)

    @property
    def unexpected(self) -> list[Key]:
        return sorted(self.reported - self.expected)


@cache
def score_app(name: str) -> AppScore:
    """Audit one app the way a user would (tests skipped, no cache) and compare with its annotations."""
    root = APPS_DIR / name
    expectations = read_expectations(root)
    result = audit(root, use_cache=False)
    assert not result.incomplete, f"{name} did not parse: {result.skipped}"
    reported = {(f.rule, f.path, f.line) for f in result.findings if f.rule in JUDGED_RULES}
    expected = {key for key in expectations.expected if key[0] in JUDGED_RULES}
    return AppScore(frozenset(expected), frozenset(reported - expectations.ignored))


@pytest.mark.parametrize("app", FRONTEND_APPS)
def test_app_reports_exactly_the_annotated_lines(app: str) -> None:
    score = score_app(app)
    assert not score.missed and not score.unexpected, f"missed: {score.missed}\nfalse positives: {score.unexpected}"


def per_rule_table() -> str:
    """Precision and recall per judged rule over all the frontend apps, as a Markdown table."""
    hits, false_positives, misses = Counter[str](), Counter[str](), Counter[str]()
    for app in FRONTEND_APPS:
        score = score_app(app)
        for rule, *_ in score.expected & score.reported:
            hits[rule] += 1
        for rule, *_ in score.unexpected:
            false_positives[rule] += 1
        for rule, *_ in score.missed:
            misses[rule] += 1
    rows = ["| rule | TP | FP | FN | precision | recall |", "|---|---|---|---|---|---|"]
    for rule in JUDGED_RULES:
        tp, fp, fn = hits[rule], false_positives[rule], misses[rule]
        precision = f"{tp / (tp + fp):.2f}" if tp + fp else "-"
        recall = f"{tp / (tp + fn):.2f}" if tp + fn else "-"
        rows.append(f"| {rule} | {tp} | {fp} | {fn} | {precision} | {recall} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(per_rule_table())
    for app in FRONTEND_APPS:
        score = score_app(app)
        for key in score.missed:
            print(f"{app}: missed {key}")
        for key in score.unexpected:
            print(f"{app}: false positive {key}")
