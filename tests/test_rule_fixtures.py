"""Every rule fixture: reported lines must equal the `ruleid` lines, exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cynic.audit import audit
from tests.annotations import read_expectations

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"


def fixture_cases() -> list[Path]:
    """Tree fixtures; diff fixtures (with `before/` and `after/`) run in test_diff_rule_fixtures."""
    return sorted(
        p
        for group in RULE_FIXTURES.iterdir()
        if group.is_dir()
        for p in group.iterdir()
        if not p.name.startswith("_") and not (p / "after").is_dir()
    )


@pytest.mark.parametrize("fixture", fixture_cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_reports_exactly_the_annotated_lines(fixture: Path, tmp_path: Path) -> None:
    if fixture.is_dir():
        root = fixture
    else:
        root = tmp_path / "project"
        root.mkdir()
        shutil.copy(fixture, root / fixture.name)
    expectations = read_expectations(root)
    assert expectations.rules, f"{fixture} has no ruleid/ok annotations"

    result = audit(root, include_tests=True)

    reported = {(f.rule, f.path, f.line) for f in result.findings if f.rule in expectations.rules}
    reported -= expectations.ignored
    missed = sorted(expectations.expected - reported)
    unexpected = sorted(reported - expectations.expected)
    assert not missed and not unexpected, f"missed (rule, path, line): {missed}\nfalse positives: {unexpected}"
    assert not result.incomplete, f"fixture did not parse: {result.skipped}"
