"""A run killed mid-round (SIGKILL, no chance to clean up) resumes from its last completed step."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import git

from cynic.agents.security import SecurityAgent
from cynic.workflows.run import Crew, load_run, resume_run
from tests.drive_loop import two_round_script
from tests.fakes import CLEAN_APP, INJECTION, ScriptedCoder, make_repo

WORKTREE = Path(__file__).resolve().parents[1]


def wait_for(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the run"
        time.sleep(0.2)


def test_a_run_killed_in_round_two_resumes_and_keeps_round_one(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": INJECTION + CLEAN_APP, "b.py": INJECTION + CLEAN_APP})
    state_dir = repo / ".git" / "cynic"
    run_id = "killed-run"
    env = {**os.environ, "PYTHONPATH": f"{WORKTREE / 'src'}{os.pathsep}{WORKTREE}"}
    process = subprocess.Popen([sys.executable, "-m", "tests.drive_loop", str(repo), run_id], cwd=WORKTREE, env=env)
    try:
        def round_one_audited() -> bool:
            assert process.poll() is None, "the run ended before it could be killed"
            state = load_run(state_dir, run_id)
            return bool(state and len(state.get("history", [])) == 2 and "checklist" in state["history"][1])

        wait_for(round_one_audited)
        time.sleep(1.0)  # well inside round 2's hanging coder
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()

    interrupted = load_run(state_dir, run_id)
    round_one_commit = interrupted["history"][1]["commit"]
    assert interrupted["status"] == "running" and round_one_commit

    final = resume_run(state_dir, interrupted, Crew(ScriptedCoder(two_round_script(hang_in_round_two=False)), SecurityAgent()))

    assert final["status"] == "clean" and final["round"] == 2
    assert final["history"][1]["commit"] == round_one_commit
    log = git.Repo(repo).git.log("--format=%H", f"{final['base_commit']}..{final['branch']}").splitlines()
    assert log == [final["history"][2]["commit"], round_one_commit]
