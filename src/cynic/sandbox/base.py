"""What the loop needs from a sandbox: a private copy of the code that it can change, commit
round by round, and compare with where the run started."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Protocol

from cynic.rules.diff import RoundDiff


class SandboxError(Exception):
    """The sandbox cannot be made or used; the message says what to do."""


class RoundCommit(NamedTuple):
    """A round's commit and the paths it changed."""

    sha: str
    files: list[str]


class Workspace(Protocol):
    """A run's private working copy, on its own branch."""

    root: Path  # the only folder a coder may touch
    branch: str  # where the accepted result lives, e.g. cynic/<run-id>

    def head(self) -> str:
        """The commit the workspace is at."""
        ...

    def reset_to(self, commit: str) -> None:
        """Drop every change and commit made after `commit` (an interrupted round)."""
        ...

    def commit_round(self, message: str) -> RoundCommit | None:
        """Commit every change as one commit (its sha and paths); None when nothing changed."""
        ...

    def changes_since(self, commit: str, *, protected: frozenset[str] = frozenset()) -> RoundDiff:
        """What changed between `commit` and the workspace's head."""
        ...

    def remove(self) -> None:
        """Delete the working copy when the run is over, keeping the branch."""
        ...
