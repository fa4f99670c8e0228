"""The bundled example app: every intended violation reported where the table says, and no
finding on any of its compliant near-misses."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from cynic.audit import audit
from cynic.models import AuditResult

EXAMPLE = Path(__file__).parents[1] / "src" / "cynic" / "examples" / "notes_app"
EXPECTED = Path(__file__).parent / "example_expected.md"
ROW = re.compile(r"^\| (?P<rule>[A-Z]+\d+) \| (?P<path>\S+) \| (?P<line>\d+) \| `(?P<evidence>[^`]+)` \|", re.M)
NEAR_MISS = re.compile(r"`(?P<path>[\w./-]+):(?P<line>\d+)`")


@cache
def example_audit() -> AuditResult:
    return audit(EXAMPLE, use_cache=False)


def expected_rows() -> list[tuple[str, str, int]]:
    return [(m["rule"], m["path"], int(m["line"])) for m in ROW.finditer(EXPECTED.read_text())]


def expected_evidence() -> dict[tuple[str, str, int], str]:
    return {(m["rule"], m["path"], int(m["line"])): m["evidence"] for m in ROW.finditer(EXPECTED.read_text())}


def near_misses() -> list[tuple[str, str, int]]:
    section = EXPECTED.read_text().split("## Compliant near-misses", 1)[1].split("\n## ", 1)[0]
    misses = []
    for bullet in section.splitlines():
        rules = re.findall(r"\b([A-Z]+\d{3})\b", bullet)
        for place in NEAR_MISS.finditer(bullet):
            misses.extend((rule, place["path"], int(place["line"])) for rule in rules)
    return misses


def test_the_example_parses_completely() -> None:
    assert not example_audit().incomplete, example_audit().skipped


@pytest.mark.parametrize("rule,path,line", expected_rows(), ids=lambda v: str(v))
def test_intended_violation_is_reported(rule: str, path: str, line: int) -> None:
    places = {(f.rule, f.path, f.line): f for f in example_audit().findings}
    assert (rule, path, line) in places, sorted(p for p in places if p[0] == rule)
    assert expected_evidence()[(rule, path, line)] in places[(rule, path, line)].evidence


def test_nothing_but_the_intended_violations_is_reported() -> None:
    intended = set(expected_rows())
    extra = [(f.rule, f.path, f.line, f.evidence) for f in example_audit().findings if (f.rule, f.path, f.line) not in intended]
    assert not extra


@pytest.mark.parametrize("rule,path,line", near_misses(), ids=lambda v: str(v))
def test_near_miss_is_not_reported(rule: str, path: str, line: int) -> None:
    assert (rule, path, line) not in {(f.rule, f.path, f.line) for f in example_audit().findings}
