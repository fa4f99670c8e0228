"""The catalog keeps itself honest: each rule has a file, a fixture with the same stem, and docs
whose Example fires the rule and whose Use-instead block stays clean."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from cynic.audit import audit
from cynic.rules import ALL_RULES
from cynic.rules.base import Rule
from cynic.rules.diff import DiffRule, diff_from_sketch

RULE_FIXTURES = Path(__file__).parent / "fixtures" / "rules"
CATALOG = {
    "AUTH001", "AUTH002", "AUTH003", "AUTH004", "AUTH005", "RBAC001", "RBAC002", "IDOR001",
    "CORS001", "CORS002", "CORS003", "RATE001", "SQL001", "VAL001", "VAL002", "XSS001",
    "SEC001", "SEC002", "DOCK001", "INJ001",
}


def rule_id(rule: Rule) -> str:
    return rule.code


def test_registry_is_sorted_and_unique() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert codes == sorted(set(codes))
    assert set(codes) <= CATALOG | {"SUPP001", "TAMP001"}


@pytest.mark.parametrize("rule", ALL_RULES, ids=rule_id)
def test_rule_has_a_fixture_with_its_stem(rule: Rule) -> None:
    module_file = Path(inspect.getfile(type(rule)))
    group = module_file.parent.name
    stem = module_file.stem
    assert stem.startswith(rule.code.lower()), f"{module_file.name} should start with {rule.code.lower()}"
    candidates = [p for p in (RULE_FIXTURES / group).glob(f"{stem}*") if p.stem == stem or p.name == stem]
    assert candidates, f"no fixture tests/fixtures/rules/{group}/{stem}[.ext|/] for {rule.code}"


@pytest.mark.parametrize("rule", ALL_RULES, ids=rule_id)
def test_rule_doc_has_every_section(rule: Rule) -> None:
    doc = rule.doc()
    assert doc.what_it_does and doc.why and doc.example and doc.use_instead, f"{rule.code} docstring is missing a section"
    assert rule.fix, f"{rule.code} has no fix hint"


@pytest.mark.parametrize("rule", ALL_RULES, ids=rule_id)
def test_doc_example_fires_and_use_instead_is_clean(rule: Rule, tmp_path: Path) -> None:
    doc = rule.doc()
    example, use_instead = doc.example_code, doc.use_instead_code
    assert example and use_instead, f"{rule.code}: Example and Use instead need a fenced code block"
    for label, (filename, code), should_fire in (("example", example, True), ("use_instead", use_instead, False)):
        if isinstance(rule, DiffRule):  # its examples are +/- sketches of what an agent changed
            fired_on_diff = list(rule.check_diff(diff_from_sketch(filename, code)))
            assert bool(fired_on_diff) is should_fire, f"{rule.code} {label}: hits {fired_on_diff}"
            continue
        root = tmp_path / label
        (root / filename).parent.mkdir(parents=True, exist_ok=True)
        (root / filename).write_text(code, encoding="utf-8")
        fired = [f for f in audit(root, rules=[rule]).findings if f.rule == rule.code]
        assert bool(fired) is should_fire, f"{rule.code} {label}: findings {fired}"
