"""The deterministic coder's fixers: each fixture's `before/` becomes its `after/`, exactly, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cynic.agents.fixers import FIXERS, FixReport, apply_fixes
from cynic.agents.fixers._workspace import Workspace
from cynic.models import Confidence, Finding, Severity
from cynic.parsing.python import parse_python
from tests.fixers_harness import FIXER_FIXTURES as FIXTURES
from tests.fixers_harness import fixture_cases, read_findings, tree_texts


def _copy_before(case: Path, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(case / "before", work)
    return work


def _assert_parses(work: Path, changed: list[str]) -> None:
    import tree_sitter
    import tree_sitter_javascript
    import tree_sitter_typescript

    for path in changed:
        text = (work / path).read_text()
        if path.endswith(".py"):
            parse_python(text, path)
        elif path.endswith((".ts", ".tsx", ".js", ".jsx")):
            grammar = {".tsx": tree_sitter_typescript.language_tsx(), ".ts": tree_sitter_typescript.language_typescript()}
            language = tree_sitter.Language(grammar.get(Path(path).suffix, tree_sitter_javascript.language()))
            assert not tree_sitter.Parser(language).parse(text.encode()).root_node.has_error, path


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_fixers_turn_before_into_after(case: Path, tmp_path: Path) -> None:
    work = _copy_before(case, tmp_path)
    findings, outcomes, follow_ups = read_findings(case)

    report = apply_fixes(work, findings)

    assert tree_texts(work) == tree_texts(case / "after")
    before, after = tree_texts(case / "before"), tree_texts(case / "after")
    assert report.changed_paths == sorted(p for p in after if before.get(p) != after[p])
    _assert_parses(work, report.changed_paths)
    for fingerprint, expected in outcomes.items():
        if expected == "fixed":
            assert fingerprint in report.fixed, report.unfixable.get(fingerprint)
        else:
            assert report.unfixable[fingerprint].startswith(expected), report.unfixable[fingerprint]
    assert report.follow_ups == follow_ups


@pytest.mark.parametrize("case", fixture_cases(), ids=lambda p: p.name)
def test_fixers_change_nothing_the_second_time(case: Path, tmp_path: Path) -> None:
    work = _copy_before(case, tmp_path)
    findings, _, _ = read_findings(case)
    apply_fixes(work, findings)
    fixed_once = tree_texts(work)

    again = apply_fixes(work, findings)

    assert tree_texts(work) == fixed_once
    assert again.changed_paths == [] and again.fixed == []


def _finding(rule: str, path: str, line: int, evidence: str) -> Finding:
    return Finding(rule=rule, name=rule.lower(), severity=Severity.HIGH, confidence=Confidence.HIGH, path=path,
                   line=line, end_line=line, message="a flaw", evidence=evidence, fix="do the right thing",
                   fingerprint=f"{rule}-{line}")


def test_an_edit_that_breaks_syntax_is_undone_and_reported(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("SECRET = 'hunter2'\n")

    def careless(files: Workspace, finding: Finding) -> None:
        files.write(finding.path, "SECRET = os.environ[\n")

    report = apply_fixes(tmp_path, [_finding("SEC001", "main.py", 1, "SECRET = 'hunter2'")], fixers={"SEC001": careless})

    assert (tmp_path / "main.py").read_text() == "SECRET = 'hunter2'\n"
    assert report == FixReport(changed_paths=[], fixed=[], unfixable={"SEC001-1": report.unfixable["SEC001-1"]})
    assert report.unfixable["SEC001-1"].startswith("needs an LLM or a human: the SEC001 codemod would break main.py")


def test_a_rule_without_a_fixer_needs_an_llm_or_a_human(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("@app.post('/notes')\nasync def create(request: Request):\n    data = await request.json()\n")

    report = apply_fixes(tmp_path, [_finding("VAL001", "main.py", 3, "data = await request.json()")])

    assert report.fixed == [] and report.changed_paths == []
    assert report.unfixable["VAL001-3"] == "needs an LLM or a human: cynic has no codemod for VAL001; do the right thing"


def test_a_codemod_that_fails_is_undone_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text("SECRET = 'hunter2'\n")
    (tmp_path / "Dockerfile").write_text('FROM python:3.12-slim\nCMD ["python", "main.py"]\n')

    def half_done(files: Workspace, finding: Finding) -> None:
        files.write(finding.path, "SECRET = None\n")
        raise ValueError("unexpected shape")

    report = apply_fixes(
        tmp_path,
        [_finding("SEC001", "main.py", 1, "SECRET = 'hunter2'"), _finding("DOCK001", "Dockerfile", 2, 'CMD ["python", "main.py"]')],
        fixers={"SEC001": half_done, "DOCK001": FIXERS["DOCK001"]},
    )

    assert (tmp_path / "main.py").read_text() == "SECRET = 'hunter2'\n"
    assert report.unfixable["SEC001-1"].endswith("could not handle this code (ValueError: unexpected shape)")
    assert report.fixed == ["DOCK001-2"] and report.changed_paths == ["Dockerfile"]
    assert "USER appuser" in (tmp_path / "Dockerfile").read_text()


@pytest.mark.parametrize("anchor", [14, 15, 17], ids=["route-decorator", "def-line", "lookup-line"])
def test_an_ownership_finding_is_fixed_wherever_in_the_route_it_is_anchored(anchor: int, tmp_path: Path) -> None:
    case = FIXTURES / "idor001_ownership_check"
    work = _copy_before(case, tmp_path)
    route = "backend/app/api/routes/items.py"
    evidence = (work / route).read_text().splitlines()[anchor - 1].strip()

    report = apply_fixes(work, [_finding("IDOR001", route, anchor, evidence)])

    assert report.fixed == [f"IDOR001-{anchor}"]
    read_item = _definition("read_item", (work / route).read_text())
    assert read_item == _definition("read_item", (case / "after" / route).read_text())
    assert "item.owner_id != current_user.id" in read_item


def _definition(name: str, text: str) -> str:
    return next(block for block in text.split("\n\n\n") if f"def {name}(" in block)
