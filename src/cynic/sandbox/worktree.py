"""The sandbox as a git worktree: a new branch `cynic/<run-id>` from the target's HEAD, checked
out under the repository's own `.git/cynic/worktrees/<run-id>`.

The user's working tree, index and branches are never touched: git keeps a worktree's index
and HEAD apart, and everything cynic writes lives inside `.git/cynic/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cynic.rules.diff import RoundDiff, diff_between
from cynic.sandbox.base import RoundCommit, SandboxError

AUTHOR = {
    "GIT_AUTHOR_NAME": "cynic",
    "GIT_AUTHOR_EMAIL": "cynic@localhost",
    "GIT_COMMITTER_NAME": "cynic",
    "GIT_COMMITTER_EMAIL": "cynic@localhost",
}
_INIT_HINT = "run `git init && git add -A && git commit -m init` first"


@dataclass(frozen=True)
class Target:
    """The user's repository, as found from the path they gave."""

    root: Path  # the working tree's top level
    state_dir: Path  # <git common dir>/cynic: runs, worktrees, the checkpoint database
    head: str  # the commit a new run starts from
    notes: list[str] = field(default_factory=list)  # what the user should know before the run


def find_target(path: Path) -> Target:
    """The git repository at or above `path`, or a `SandboxError` that says how to make one."""
    import git

    if not path.exists():
        raise SandboxError(f"{path} does not exist. Give the folder of the project to fix.")
    try:
        repo = git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise SandboxError(f"{path} is not a git repository: {_INIT_HINT}.") from None
    if repo.bare:
        raise SandboxError(f"{path} is a bare git repository; run cynic on a clone with a working tree.")
    if not repo.head.is_valid():
        raise SandboxError(f"{path} is a git repository with no commits yet: commit your code first (`git add -A && git commit -m init`).")
    root = Path(repo.working_tree_dir or path).resolve()
    head = repo.head.commit.hexsha
    notes = []
    if path.resolve() != root:
        notes.append(f"{path} is inside the git repository {root}; the whole repository is worked on.")
    if repo.head.is_detached:
        notes.append(f"HEAD is detached; the run starts from commit {head[:12]}.")
    if repo.is_dirty(untracked_files=True):
        notes.append("the working tree has uncommitted changes; they are NOT included (the run starts from HEAD). Commit them first to include them.")
    return Target(root=root, state_dir=Path(repo.common_dir).resolve() / "cynic", head=head, notes=notes)


class GitWorktree:
    """A run's workspace: a linked git worktree on its own branch."""

    def __init__(self, root: Path, branch: str) -> None:
        import git

        self.root = root
        self.branch = branch
        self._repo = git.Repo(root)
        self._git = self._repo.git

    @classmethod
    def create(cls, target: Target, run_id: str) -> GitWorktree:
        """Check out a new branch `cynic/<run_id>` at the target's HEAD in a new worktree."""
        import git

        root = target.state_dir / "worktrees" / run_id
        branch = f"cynic/{run_id}"
        root.parent.mkdir(parents=True, exist_ok=True)
        try:
            git.Repo(target.root).git.worktree("add", "--quiet", "-b", branch, str(root), target.head)
        except git.GitCommandError as error:
            raise SandboxError(f"cannot create the worktree {root}: {error.stderr.strip()}") from None
        return cls(root, branch)

    @classmethod
    def open(cls, target: Target, run_id: str) -> GitWorktree:
        """The existing worktree of run `run_id`."""
        root = target.state_dir / "worktrees" / run_id
        if not (root / ".git").exists():
            raise SandboxError(f"the workspace of run {run_id} ({root}) is gone; start a new run.")
        return cls(root, f"cynic/{run_id}")

    def head(self) -> str:
        return self._repo.head.commit.hexsha  # read from the refs, no git process

    def reset_to(self, commit: str) -> None:
        if self.head() == commit and not self._git.status("--porcelain", "--untracked-files=all"):
            return  # already exactly there: the usual case, one git call
        self._git.reset("--hard", "--quiet", commit)
        self._git.clean("-fdq")

    def commit_round(self, message: str) -> RoundCommit | None:
        self._git.add("--all")
        staged = [path for path in self._git.diff("--cached", "--name-only", "--no-renames", "-z").split("\0") if path]
        if not staged:
            return None
        self._git.commit("--quiet", "--no-verify", "--no-gpg-sign", "-m", message, env=AUTHOR)
        return RoundCommit(sha=self.head(), files=staged)

    def changes_since(self, commit: str, *, protected: frozenset[str] = frozenset()) -> RoundDiff:
        base, head = self._repo.commit(commit), self._repo.head.commit
        changed = [path for path in self._git.diff("--name-only", "--no-renames", "-z", commit, head.hexsha).split("\0") if path]
        before = {path: text for path in changed if (text := _text_at(base, path)) is not None}
        after = {path: text for path in changed if (text := _text_at(head, path)) is not None}
        present = frozenset(self._git.ls_tree("-r", "--name-only", "-z", head.hexsha).split("\0")) - {""}
        return diff_between(before, after, after_paths=present, protected=protected)

    def remove(self) -> None:
        """Delete the checkout once the run is over; its branch, the result, stays."""
        self._git.worktree("remove", "--force", str(self.root))


def _text_at(commit: Any, path: str) -> str | None:
    """A file's text at `commit` (read through git's persistent object reader), None when absent."""
    try:
        blob = commit.tree / path
    except KeyError:
        return None
    if blob.type != "blob":
        return None
    return blob.data_stream.read().decode("utf-8", errors="replace")
