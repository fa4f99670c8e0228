"""Real git repositories for review tests, built with GitPython: write files, commit, branch."""

from __future__ import annotations

from pathlib import Path

import git

AUTHOR = git.Actor("Dev", "dev@example.com")


class Project:
    """A git repository in a temporary folder, on branch `main`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = git.Repo.init(root, initial_branch="main")

    def write(self, path: str, text: str) -> Project:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return self

    def remove(self, path: str) -> Project:
        self.repo.index.remove([path], working_tree=True)
        return self

    def rename(self, old: str, new: str) -> Project:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.repo.index.move([old, new])
        return self

    def commit(self, message: str) -> str:
        self.repo.git.add(A=True)
        return self.repo.index.commit(message, author=AUTHOR, committer=AUTHOR).hexsha

    def branch(self, name: str) -> Project:
        """Create `name` at the current commit and check it out."""
        self.repo.git.checkout("-b", name)
        return self
