"""Held-out evaluation apps: the backend rules must report exactly the annotated lines.

Each folder under `tests/fixtures/apps/` is a realistic FastAPI app written in its own style,
annotated like the rule fixtures (`# ruleid: CODE` / `# ok: CODE` on the line above). The test
compares reported and annotated lines per app; `python -m tests.test_eval_apps` prints the
per-rule precision and recall over all apps.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cynic.audit import audit
from tests.annotations import read_expectations

EVAL_APPS = Path(__file__).parent / "fixtures" / "apps"
BACKEND_RULES = (
    "AUTH002", "AUTH003", "AUTH005", "RBAC001", "RBAC002", "IDOR001", "CORS001", "CORS002",
    "CORS003", "RATE001", "SQL001", "VAL001", "VAL002", "SEC001", "SEC002", "INJ001",
)

Key = tuple[str, str, int]  # (rule, path, line)


@dataclass
class Outcome:
    """What one app's audit got right and wrong, restricted to the backend rules."""

    app: str
    true_positives: set[Key] = field(default_factory=set)
    missed: set[Key] = field(default_factory=set)
    unexpected: set[Key] = field(default_factory=set)
    incomplete: bool = False


def evaluate(app: Path) -> Outcome:
    """Audit one app and compare its findings with its annotations."""
    expectations = read_expectations(app)
    result = audit(app, include_tests=True, use_cache=False)
    reported = {(f.rule, f.path, f.line) for f in result.findings if f.rule in BACKEND_RULES}
    reported -= expectations.ignored
    expected = {key for key in expectations.expected if key[0] in BACKEND_RULES}
    return Outcome(
        app=app.name,
        true_positives=reported & expected,
        missed=expected - reported,
        unexpected=reported - expected,
        incomplete=result.incomplete,
    )


def eval_apps() -> list[Path]:
    return sorted(p for p in EVAL_APPS.iterdir() if p.is_dir())


@pytest.mark.parametrize("app", eval_apps(), ids=lambda p: p.name)
def test_app_reports_exactly_the_annotated_lines(app: Path) -> None:
    outcome = evaluate(app)
    assert not outcome.incomplete, f"{app.name} did not parse completely"
    assert not outcome.missed and not outcome.unexpected, (
        f"missed (rule, path, line): {sorted(outcome.missed)}\nfalse positives: {sorted(outcome.unexpected)}"
    )


def test_every_backend_rule_is_exercised_by_the_apps() -> None:
    annotated = {key[0] for app in eval_apps() for key in read_expectations(app).expected}
    assert set(BACKEND_RULES) <= annotated, f"no violation annotated for {sorted(set(BACKEND_RULES) - annotated)}"


def score(outcomes: list[Outcome]) -> dict[str, tuple[int, int, int]]:
    """Per rule: (true positives, false positives, false negatives) over all apps."""
    counts: dict[str, Counter[str]] = {rule: Counter() for rule in BACKEND_RULES}
    for outcome in outcomes:
        for kind, keys in (("tp", outcome.true_positives), ("fp", outcome.unexpected), ("fn", outcome.missed)):
            for rule, _, _ in keys:
                counts[rule][kind] += 1
    return {rule: (c["tp"], c["fp"], c["fn"]) for rule, c in counts.items()}


def table(scores: dict[str, tuple[int, int, int]]) -> str:
    """A plain-text precision/recall table; a rule with nothing to find or report scores 1.0."""
    lines = [f"{'rule':<8} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>6}"]
    for rule, (tp, fp, fn) in scores.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"{rule:<8} {tp:>3} {fp:>3} {fn:>3} {precision:>9.2f} {recall:>6.2f}")
    return "\n".join(lines)


def main() -> None:
    outcomes = [evaluate(app) for app in eval_apps()]
    for outcome in outcomes:
        for label, keys in (("missed", outcome.missed), ("false positive", outcome.unexpected)):
            for rule, path, line in sorted(keys):
                print(f"{outcome.app}: {label} {rule} {path}:{line}")
    print(table(score(outcomes)))


if __name__ == "__main__":
    main()
