"""The report's view of a loop run and of an audit: what was opened, fixed and reopened, and when."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from cynic.audit import audit
from cynic.models import Confidence, Finding, Severity
from cynic.reports.audit_view import view_from_audit
from cynic.reports.run_adapter import RunNotFound, load_run_view, load_waived_run_view
from cynic.policy import add_waiver
from cynic.reports.plain import plain_run_lines
from cynic.reports.run_view import RunView
from cynic.reports.source_context import read_from_folder, snippet_from_text
from tests.run_history import HOSTILE_FILE, RATE_WAIVER, RUN_ID, make_run, waiver


@pytest.fixture(scope="module")
def run_view(tmp_path_factory: pytest.TempPathFactory) -> RunView:
    return load_run_view(make_run(tmp_path_factory.mktemp("run")), RUN_ID)


def test_rounds_count_opened_fixed_and_reopened_by_fingerprint(run_view: RunView) -> None:
    counts = [(r.number, sorted(r.opened), sorted(r.fixed), r.reopened, r.open_after) for r in run_view.rounds]
    assert counts == [
        (0, ["aaaa1111", "bbbb2222", "cccc3333"], [], [], 3),
        (1, ["dddd4444"], ["aaaa1111", "bbbb2222"], [], 2),
        (2, [], ["dddd4444"], ["aaaa1111"], 2),
    ]


def test_every_finding_the_run_saw_is_listed_with_its_history(run_view: RunView) -> None:
    by_rule = {item.finding.rule: item for item in run_view.findings}
    assert [item.status for item in run_view.findings] == ["open", "open", "fixed", "fixed"]
    assert (by_rule["CORS001"].status, by_rule["CORS001"].reopened) == ("open", True)
    assert (by_rule["IDOR001"].fixed_round, by_rule["LLM-SECRET"].opened_round, by_rule["LLM-SECRET"].fixed_round) == (1, 1, 2)


def test_rounds_carry_their_commit_diff_tests_and_usage(run_view: RunView) -> None:
    first = run_view.rounds[1]
    assert first.diff is not None and '-app.add_middleware(CORSMiddleware, allow_origins=["*"]' in first.diff
    assert first.test is not None and first.test.word == "failed (exit 1)"
    assert run_view.total_usage.total_tokens == 3000 and run_view.llm_used
    assert {agent: usage.total_tokens for agent, usage in run_view.usage.items()} == {
        "coder": 2500, "security agent (LLM reviewer)": 500}
    assert set(first.usage) == {"coder", "security agent (LLM reviewer)"}
    assert run_view.coder_rounds == 2 and run_view.status == "max_rounds"


def test_code_is_read_from_the_commit_where_the_finding_was_last_open(run_view: RunView) -> None:
    idor = next(item for item in run_view.findings if item.finding.rule == "IDOR001")
    assert idor.snippet is not None and "    note = session.get(Note, note_id)" in idor.snippet.lines
    hostile = next(item for item in run_view.findings if item.finding.path == HOSTILE_FILE)
    assert hostile.snippet is not None and hostile.snippet.lines[0].startswith("# <script>")


def test_a_missing_run_says_how_to_list_runs(tmp_path: Path) -> None:
    repo = make_run(tmp_path)
    with pytest.raises(RunNotFound, match="cynic runs"):
        load_run_view(repo, "no-such-run")
    with pytest.raises(RunNotFound, match="not inside a git repository"):
        load_run_view(tmp_path / "elsewhere", RUN_ID)


def test_the_repository_waivers_waive_open_findings_and_expired_ones_stay_open(tmp_path: Path) -> None:
    repo = make_run(tmp_path)
    add_waiver(repo, waiver(**RATE_WAIVER, owner="dana", reason="limited at the proxy"))
    add_waiver(repo, waiver("aaaa1111", "CORS001", "app/main.py", owner="lee", reason="legacy", expires=date(2020, 1, 1)))
    add_waiver(repo, waiver("bbbb2222", "IDOR001", "app/api/routes/notes.py", owner="kim", reason="moot"))

    view = load_waived_run_view(repo, RUN_ID, today=date(2025, 6, 1))

    by_rule = {item.finding.rule: item for item in view.findings}
    assert (by_rule["RATE001"].status, by_rule["RATE001"].waiver.owner) == ("waived", "dana")
    assert (by_rule["CORS001"].status, by_rule["CORS001"].waiver_expired) == ("open", True)
    assert by_rule["IDOR001"].status == "fixed" and by_rule["IDOR001"].waiver is None
    lines = "\n".join(plain_run_lines(view))
    assert "[waived by dana until 2030-01-01: limited at the proxy]" in lines
    assert "[open (waiver expired on 2020-01-01, owner lee: legacy)]" in lines


def test_a_waiver_follows_its_code_when_the_fingerprint_changed(run_view: RunView) -> None:
    moved = waiver("0ld0ld00", "CORS001", "app/main.py")
    moved = replace(moved, evidence='app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)')

    view = run_view.apply_waivers([moved], today=date(2025, 6, 1))

    assert [item.finding.rule for item in view.with_status("waived")] == ["CORS001"]


def test_an_audit_is_a_run_with_no_rounds(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "from fastapi import FastAPI\nfrom fastapi.middleware.cors import CORSMiddleware\n\napp = FastAPI()\n"
        'app.add_middleware(CORSMiddleware, allow_origins=["*"])\n', encoding="utf-8")
    view = view_from_audit(audit(tmp_path, include_tests=True))
    assert view.rounds == [] and view.status == "findings" and view.coverage.files_audited == 1
    cors = next(item for item in view.findings if item.finding.rule == "CORS001")
    assert cors.snippet is not None and cors.snippet.marked == [5] and cors.snippet.first == 2


def test_paths_outside_the_audited_folder_are_never_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("top secret\n", encoding="utf-8")
    inside = tmp_path / "app"
    inside.mkdir()
    assert read_from_folder(inside, "../secret.txt") is None
    assert read_from_folder(inside, str(tmp_path / "secret.txt")) is None


def test_a_snippet_marks_the_finding_lines_with_context() -> None:
    finding = Finding(rule="X", name="x", severity=Severity.LOW, confidence=Confidence.HIGH, path="a.py", line=5, end_line=6,
                      message="", evidence="", fix="")
    snippet = snippet_from_text("\n".join(f"line {n}" for n in range(1, 21)), finding)
    assert (snippet.first, snippet.lines[0], snippet.lines[-1], snippet.marked) == (2, "line 2", "line 9", [5, 6])
