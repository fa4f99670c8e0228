"""`cynic demo`: the bundled vulnerable notes app, copied into a fresh git repository."""

from __future__ import annotations

import shutil
import tempfile
from importlib import resources
from pathlib import Path

from cynic.cli._common import fail


def prepare_demo_repository(source: Path | None = None) -> Path:
    """A new temporary git repository holding a copy of the example app, committed once."""
    import git

    example = source or Path(str(resources.files("cynic") / "examples" / "notes_app"))
    if not example.is_dir():
        fail(f"the bundled example app is missing ({example}); reinstall cynic, or run `cynic fix` on your own repository.")
    repo_dir = Path(tempfile.mkdtemp(prefix="cynic-demo-")) / example.name
    shutil.copytree(example, repo_dir, ignore=shutil.ignore_patterns("__pycache__", "node_modules"))
    repo = git.Repo.init(repo_dir)
    repo.git.add("--all")
    repo.git.commit("--quiet", "--no-verify", "--no-gpg-sign", "-m", "The example app, before cynic",
                    env={"GIT_AUTHOR_NAME": "cynic demo", "GIT_AUTHOR_EMAIL": "demo@localhost",
                         "GIT_COMMITTER_NAME": "cynic demo", "GIT_COMMITTER_EMAIL": "demo@localhost"})
    return repo_dir
