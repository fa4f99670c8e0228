"""Every diff-rule fixture (`before/` and `after/` folders): reported lines must equal the
`ruleid` lines of the `after/` side, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from cynic.rules import ALL_RULES
from cynic.rules.diff import DiffRule, diff_between, read_folder
from tests.annotations import read_expectations

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
DIFF_RULES = [rule for rule in ALL_RULES if isinstance(rule, DiffRule)]


def diff_fixture_cases() -> list[Path]:
    return sorted(path.parent for path in RULE_FIXTURES.glob("*/*/after"))


@pytest.mark.parametrize("fixture", diff_fixture_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_diff_fixture_reports_exactly_the_annotated_lines(fixture: Path) -> None:
    expectations = read_expectations(fixture / "after")
    assert expectations.rules, f"{fixture}/after has no ruleid/ok annotations"
    diff = diff_between(read_folder(fixture / "before"), read_folder(fixture / "after"))

    reported = {
        (rule.code, hit.path, hit.line)
        for rule in DIFF_RULES
        if rule.code in expectations.rules
        for hit in rule.check_diff(diff)
    }
    reported -= expectations.ignored
    missed = sorted(expectations.expected - reported)
    unexpected = sorted(reported - expectations.expected)
    assert not missed and not unexpected, f"missed (rule, path, line): {missed}\nfalse positives: {unexpected}"
