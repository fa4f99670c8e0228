"""Runs a `fix` loop with a scripted coder whose second round hangs, so that a test can kill
the process mid-round: `python -m tests.drive_loop REPO RUN_ID`."""

from __future__ import annotations

import sys
from pathlib import Path

from cynic.agents.security import SecurityAgent
from cynic.sandbox.worktree import find_target
from cynic.workflows.run import Crew, start_run
from tests.fakes import CLEAN_APP, Edit, ScriptedCoder


def two_round_script(hang_in_round_two: bool) -> list[Edit]:
    """Round 1 cleans a.py; round 2 cleans b.py (after hanging, when asked to)."""
    return [Edit(writes={"a.py": CLEAN_APP}), Edit(writes={"b.py": CLEAN_APP}, pause=600 if hang_in_round_two else 0)]


def main(repo: str, run_id: str) -> None:
    target = find_target(Path(repo))
    start_run(
        target, target.state_dir, Crew(ScriptedCoder(two_round_script(hang_in_round_two=True)), SecurityAgent()),
        mode="fix", request=None, test_cmd=None, limits={"max_rounds": 5, "max_tokens": None, "max_cost": None},
        run_id=run_id,
    )


if __name__ == "__main__":
    main(*sys.argv[1:3])
