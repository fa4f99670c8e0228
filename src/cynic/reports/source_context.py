"""The code around a finding and a round's diff, read at report time from the audited folder or
from the run's commits. Paths come from audited code: nothing outside the tree is ever read."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from cynic.models import Finding
from cynic.reports.run_view import Snippet
from cynic.sandbox.paths import PathEscape, relative_parts, resolve_inside

if TYPE_CHECKING:
    import git

CONTEXT_LINES = 3
MAX_DIFF_CHARS = 200_000


def snippet_from_text(text: str, finding: Finding, context: int = CONTEXT_LINES) -> Snippet | None:
    """The finding's lines and `context` lines either side, or None when the file is shorter."""
    lines = text.splitlines()
    if finding.line < 1 or finding.line > len(lines):
        return None
    end = max(finding.line, min(finding.end_line or finding.line, finding.line + 20))
    first = max(1, finding.line - context)
    last = min(len(lines), end + context)
    return Snippet(first=first, lines=lines[first - 1 : last], marked=list(range(finding.line, min(end, last) + 1)))


def safe_relative(path: str) -> str | None:
    """`path` when it is a plain relative path inside the tree, else None."""
    try:
        return PurePosixPath(*relative_parts(path)).as_posix()
    except PathEscape:
        return None


def read_from_folder(root: Path, path: str) -> str | None:
    """The text of `root/path`, or None when it is missing, unreadable or outside `root`."""
    try:
        return resolve_inside(root, path).read_text(encoding="utf-8", errors="replace")
    except (PathEscape, OSError):
        return None


class RunRepository:
    """Read-only access to the commits of a run; every method answers None when git cannot."""

    def __init__(self, root: Path) -> None:
        self._repo = _open(root)

    def read(self, commit: str | None, path: str) -> str | None:
        relative = safe_relative(path)
        if self._repo is None or not commit or relative is None:
            return None
        try:
            return self._repo.git.show(f"{commit}:{relative}")
        except Exception:  # a missing commit or path: the report falls back to the evidence
            return None

    def diff(self, commit: str | None) -> tuple[str, bool] | None:
        """The commit's patch against its parent, and whether it was cut to MAX_DIFF_CHARS."""
        if self._repo is None or not commit:
            return None
        try:
            text = self._repo.git.show(commit, "--format=", "--patch", "--no-color", "--no-ext-diff", "--no-textconv")
        except Exception:
            return None
        return text[:MAX_DIFF_CHARS], len(text) > MAX_DIFF_CHARS


def _open(root: Path) -> git.Repo | None:
    import git

    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        return None
