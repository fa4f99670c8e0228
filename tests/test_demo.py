"""`cynic demo` end to end: the bundled example, cleared by the deterministic fixers round by round."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import git
import pytest
from typer.testing import CliRunner

from cynic.cli import app
from tests.test_example_app import expected_rows

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CYNIC_MODEL", "CYNIC_STATE_DIR", "CYNIC_TEST_CMD", "CYNIC_MAX_ROUNDS"):
        monkeypatch.delenv(name, raising=False)


def test_demo_clears_the_example_round_by_round_on_its_own_branch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_dir = tmp_path / "where-the-user-is"
    user_dir.mkdir()
    (user_dir / "notes.txt").write_text("mine\n")
    monkeypatch.chdir(user_dir)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the demo repository goes under tmp_path

    result = runner.invoke(app, ["demo"])

    output = result.output
    assert result.exit_code == 0, output
    rounds = [int(n) for n in re.findall(r"^round (\d+): fixed \d+, new \d+, remaining \d+$", output, re.M)]
    assert f"round 0: the audit of the starting commit: {len(expected_rows())} open findings" in output
    assert rounds == list(range(1, len(rounds) + 1)) and rounds
    assert len(re.findall(r"^  - (?:CRITICAL|HIGH|MEDIUM|LOW) ", output, re.M)) == len(expected_rows())  # round 0 lists them all
    assert f"round {rounds[-1]}: fixed" in output and output.count("remaining 0") == 1
    status = next(line for line in output.splitlines() if "(status " in line)
    assert status.startswith("clean: the checklist is empty (status clean, exit code 0)") and status.endswith("0 findings left")
    assert "still to do by hand: the old value of `SECRET_KEY` (.env) is in git history: rotate it" in output

    repo = Path(re.search(r"^demo repository: (.+)$", output, re.M)[1])  # type: ignore[index]
    branch = re.search(r"^git log --oneline (cynic/\S+):$", output, re.M)[1]  # type: ignore[index]
    log = git.Repo(repo).git.log("--format=%s", branch).splitlines()
    assert [subject.split(":")[0] for subject in log] == [*(f"cynic round {n}" for n in reversed(rounds)), "The example app, before cynic"]
    assert repo.is_relative_to(tmp_path)
    assert sorted(p.name for p in user_dir.iterdir()) == ["notes.txt"] and (user_dir / "notes.txt").read_text() == "mine\n"
