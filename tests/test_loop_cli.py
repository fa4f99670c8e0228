"""The loop's commands, through typer's runner: messages, exit codes, listings."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from cynic.agents.security import SecurityAgent
from cynic.cli import app
from cynic.cli._demo import prepare_demo_repository
from cynic.sandbox.worktree import find_target
from cynic.workflows.run import Crew, start_run
from tests.fakes import CLEAN_APP, INJECTION, Edit, ScriptedCoder, make_repo

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CYNIC_MODEL", "CYNIC_STATE_DIR", "CYNIC_TEST_CMD"):
        monkeypatch.delenv(name, raising=False)


def test_fix_outside_a_git_repository_says_how_to_make_one(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fix", str(tmp_path)])

    assert result.exit_code == 2
    assert "is not a git repository: run `git init && git add -A && git commit -m init` first" in result.output


def test_fix_in_a_repository_without_commits_says_to_commit(tmp_path: Path) -> None:
    git.Repo.init(tmp_path)

    result = runner.invoke(app, ["fix", str(tmp_path)])

    assert result.exit_code == 2 and "no commits yet" in result.output


def test_fix_on_a_clean_repository_exits_0_and_names_the_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP})

    result = runner.invoke(app, ["fix", str(repo), "--quiet"])

    assert result.exit_code == 0, result.output
    assert "status clean, exit code 0" in result.output
    assert "has no new commit: there was nothing to take" in result.output


def test_fix_from_a_detached_head_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP})
    user = git.Repo(repo)
    user.git.checkout("--detach", "--quiet")

    result = runner.invoke(app, ["fix", str(repo)])

    assert result.exit_code == 0 and "HEAD is detached" in result.output


def test_implement_without_an_llm_points_to_configuration_and_to_fix(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP})

    result = runner.invoke(app, ["implement", "add search", str(repo)])

    assert result.exit_code == 2
    for hint in ("CYNIC_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "--model", "--base-url", "cynic fix"):
        assert hint in result.output


def test_runs_show_and_resume_of_a_finished_run(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": INJECTION + CLEAN_APP, "b.py": INJECTION + CLEAN_APP})
    target = find_target(repo)
    state = start_run(target, target.state_dir, Crew(ScriptedCoder([Edit(writes={"app.py": CLEAN_APP})]), SecurityAgent()),
                      mode="fix", request=None, test_cmd=None, limits={"max_rounds": 1, "max_tokens": None, "max_cost": None})

    listed = runner.invoke(app, ["runs", str(repo)])
    shown = runner.invoke(app, ["show", state["run_id"], str(repo)])
    resumed = runner.invoke(app, ["resume", state["run_id"], str(repo)])

    assert listed.exit_code == 0 and state["run_id"] in listed.output and "max_rounds" in listed.output
    assert "round 0: the audit of the starting commit: 2 open findings" in shown.output
    assert f"round 1: commit {state['history'][1]['commit'][:12]}; files: app.py" in shown.output
    assert "round 1: fixed 1, new 0, remaining 1" in shown.output
    assert resumed.exit_code == 1 and "already finished" in resumed.output
    assert f"git diff HEAD...{state['branch']}" in resumed.output and f"git merge {state['branch']}" in resumed.output


def test_show_of_an_unknown_run_points_to_runs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP})

    result = runner.invoke(app, ["show", "nope", str(repo)])

    assert result.exit_code == 2 and "cynic runs" in result.output


def test_the_demo_repository_is_a_fresh_commit_of_the_example(tmp_path: Path) -> None:
    example = tmp_path / "notes_app"
    (example / "backend").mkdir(parents=True)
    (example / "backend" / "main.py").write_text(INJECTION + CLEAN_APP)

    repo = prepare_demo_repository(example)

    assert (repo / "backend" / "main.py").read_text() == INJECTION + CLEAN_APP
    assert not git.Repo(repo).is_dirty(untracked_files=True)
    assert find_target(repo).notes == []


def test_the_real_entry_point_fails_without_a_traceback(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    src = Path(__file__).resolve().parents[1] / "src"
    result = subprocess.run([sys.executable, "-m", "cynic", "fix", str(tmp_path)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(src)}, timeout=120)

    assert result.returncode == 2
    assert "is not a git repository" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [["runs"], ["show", "20260101-000000-0000"], ["resume", "20260101-000000-0000"]])
def test_reading_runs_outside_a_repository_says_there_are_none_there(command: list[str], tmp_path: Path) -> None:
    result = runner.invoke(app, [*command, str(tmp_path)])

    assert result.exit_code == 2
    assert f"{tmp_path} holds no cynic runs" in result.stderr and "git init" not in result.stderr


def test_the_live_checklist_cannot_forge_or_hide_a_line() -> None:
    from cynic.cli._loop_output import LoopPrinter

    printer = LoopPrinter(quiet=True)
    with printer.console.capture() as captured:
        printer.checklist([{"severity": "high", "rule": "SQL001", "path": "app/\u202emain.py", "line": 3,
                            "message": "raw SQL\nclean: the checklist is empty"}])
    shown = captured.get()

    assert shown.count("\n") == 1 and "\u202e" not in shown and "U+202E" in shown
