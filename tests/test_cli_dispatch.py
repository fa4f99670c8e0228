"""`cynic NAME ...` builds only the subcommand it names: help, errors and exit codes stay those of
the whole command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _cynic(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "cynic", *args], capture_output=True, text=True, env=env, timeout=120)


def test_a_named_subcommand_runs_with_its_own_help() -> None:
    done = _cynic("audit", "--help")

    assert done.returncode == 0
    assert "Usage: python -m cynic audit [OPTIONS]" in done.stdout
    assert "--fail-on" in done.stdout


def test_a_misspelt_subcommand_is_told_the_closest_one() -> None:
    done = _cynic("audti", "backend")

    assert done.returncode == 2
    assert "No such command 'audti'. Did you mean 'audit'?" in done.stderr


def test_the_bare_command_still_lists_every_subcommand() -> None:
    listed = _cynic("--help").stdout

    assert all(name in listed for name in ("audit", "review", "baseline", "waive", "rules", "report", "implement", "demo"))


def test_a_named_command_group_keeps_its_subcommands() -> None:
    done = _cynic("rules", "explain", "SEC001")

    assert done.returncode == 0
    assert "SEC001" in done.stdout
