"""The guards on the coder (SUPP001, TAMP001) beyond their fixtures, and the security agent
that merges an LLM reviewer's findings without ever losing a deterministic one."""

from __future__ import annotations

from pathlib import Path

from cynic.agents.base import Usage
from cynic.agents.security import SecurityAgent, merge_findings
from cynic.models import Confidence, Finding, Severity
from cynic.rules.diff import diff_between
from cynic.rules.loop.supp001_agent_added_suppression import AgentAddedSuppression
from cynic.rules.loop.tamp001_agent_weakened_guard import AgentWeakenedGuard
from tests.fakes import CLEAN_APP, INJECTION, ScriptedReviewer

TESTS = "def test_login(client):\n    assert client.post('/login').status_code == 200\n"


def lines(rule: object, before: dict[str, str], after: dict[str, str], **kwargs: object) -> list[tuple[str, int]]:
    return [(hit.path, hit.line) for hit in rule.check_diff(diff_between(before, after, **kwargs))]  # type: ignore[attr-defined]


def test_deleting_a_test_file_is_tampering() -> None:
    assert lines(AgentWeakenedGuard(), {"tests/test_auth.py": TESTS}, {}) == [("tests/test_auth.py", 1)]


def test_editing_the_rulebook_or_the_baseline_is_tampering() -> None:
    rulebook = {"docs/security.md": "- Passwords: bcrypt only.\n"}
    weakened = {"docs/security.md": "- Passwords: any hash.\n"}
    assert lines(AgentWeakenedGuard(), rulebook, weakened, protected=frozenset({"docs/security.md"})) == [("docs/security.md", 1)]
    assert lines(AgentWeakenedGuard(), rulebook, weakened) == []  # not the rulebook of this run
    assert lines(AgentWeakenedGuard(), {}, {".cynic/baseline.json": "{}\n"}) == [(".cynic/baseline.json", 1)]


def test_adding_tests_and_assertions_is_not_tampering() -> None:
    more = TESTS + "\n\ndef test_logout(client):\n    assert client.post('/logout').status_code == 204\n"
    assert lines(AgentWeakenedGuard(), {"tests/test_auth.py": TESTS}, {"tests/test_auth.py": more}) == []


def test_type_ignore_and_plain_comments_are_not_suppressions() -> None:
    after = {"app.py": "x: int = f()  # type: ignore[assignment]\n# the nosecurity module\n// @ts-ignore\n"}
    assert lines(AgentAddedSuppression(), {}, after) == []


def test_an_eslint_disable_of_everything_is_a_suppression() -> None:
    after = {"src/App.tsx": "/* eslint-disable */\nexport const x = 1;\n"}
    assert lines(AgentAddedSuppression(), {}, after) == [("src/App.tsx", 1)]


def test_an_ignore_pattern_that_hides_nothing_audited_is_fine() -> None:
    before = {".gitignore": "node_modules/\n", "app/main.py": CLEAN_APP}
    after = {".gitignore": "node_modules/\ncoverage.xml\n*.pyc\n", "app/main.py": CLEAN_APP}
    assert lines(AgentAddedSuppression(), before, after) == []


def finding(rule: str, line: int, severity: Severity = Severity.HIGH, source: str = "rule") -> Finding:
    return Finding(rule=rule, name=rule.lower(), severity=severity, confidence=Confidence.MEDIUM, path="app.py",
                   line=line, end_line=line, message="m", evidence="e", fix="f", fingerprint=f"{rule}{line}", source=source)


def test_a_reviewer_adds_findings_but_cannot_replace_or_downgrade_one() -> None:
    deterministic = [finding("SQL001", 3, Severity.CRITICAL)]
    llm = [finding("SQL001", 3, Severity.LOW), finding("LLM001", 9, Severity.MEDIUM), finding("LLM001", 9, Severity.MEDIUM)]

    merged = merge_findings(deterministic, llm)

    assert [(f.rule, f.line, f.severity, f.source) for f in merged] == [
        ("SQL001", 3, Severity.CRITICAL, "rule"),
        ("LLM001", 9, Severity.MEDIUM, "llm"),
    ]


def test_the_security_agent_merges_the_reviewer_and_counts_its_usage(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(INJECTION + CLEAN_APP)
    reviewer = ScriptedReviewer([finding("LLM042", 2, Severity.HIGH, source="llm")], Usage(prompt_tokens=120, completion_tokens=30))

    verdict = SecurityAgent(reviewer).inspect(tmp_path, diff_between({}, {"app.py": INJECTION + CLEAN_APP}))

    assert sorted(f.rule for f in verdict.findings) == ["INJ001", "LLM042"]
    assert verdict.review is not None and verdict.review.usage.total_tokens == 150
    assert [f.rule for f in reviewer.tasks[0].deterministic] == ["INJ001"]


def test_the_reviewer_is_not_asked_while_the_run_has_changed_nothing(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(INJECTION + CLEAN_APP)
    reviewer = ScriptedReviewer([finding("LLM042", 2, Severity.HIGH, source="llm")])

    verdict = SecurityAgent(reviewer).inspect(tmp_path, diff_between({}, {}))

    assert [f.rule for f in verdict.findings] == ["INJ001"] and verdict.review is None and reviewer.tasks == []
