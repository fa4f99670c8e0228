"""Git plumbing for a review: resolve the refs, find the merge base, export trees, list renames.

Trees are exported with `git archive` into temporary folders, so the user's working tree, index
and `.git` are never written to.
"""

from __future__ import annotations

import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import git

FETCH_HINT = (
    "Fetch more history: `git fetch --unshallow` (or `git fetch origin <branch>`); "
    "in GitHub Actions give actions/checkout `fetch-depth: 0`, in GitLab CI set `GIT_DEPTH: 0`."
)


class ReviewError(Exception):
    """The review cannot be made as asked (no repository, a missing ref, a shallow clone)."""


@dataclass(frozen=True)
class Revisions:
    """The two commits a pull request diff compares, and where the audited folder sits in the repo."""

    repo_root: Path
    prefix: str  # the audited folder relative to the repository root, "" for the root itself
    base_ref: str
    head_ref: str
    merge_base: str
    head: str


@dataclass
class Changes:
    """What the pull request changed, with paths relative to the audited folder."""

    renames: dict[str, str] = field(default_factory=dict)  # base path -> head path
    changed: list[str] = field(default_factory=list)  # added, modified or renamed in head
    deleted: list[str] = field(default_factory=list)
    diff: str = ""


def open_repo(path: Path) -> git.Repo:
    """The repository that holds `path`."""
    import git

    try:
        return git.Repo(path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise ReviewError(f"{path} is not inside a git repository. Run `cynic review` in a clone of the project.") from None


def resolve(repo: git.Repo, path: Path, base: str, head: str | None) -> Revisions:
    """Resolve `base` and `head` (default HEAD) to commits and find their merge base, as a PR diff does."""
    if repo.working_tree_dir is None:
        raise ReviewError("the repository is bare. Run `cynic review` in a clone with a working tree.")
    repo_root = Path(repo.working_tree_dir).resolve()
    try:
        prefix = path.resolve().relative_to(repo_root).as_posix()
    except ValueError:
        raise ReviewError(f"{path} is outside the repository at {repo_root}.") from None
    head_ref = head or "HEAD"
    commits = {ref: _commit(repo, ref) for ref in (base, head_ref)}
    bases = repo.merge_base(commits[base], commits[head_ref])
    if not bases:
        if is_shallow(repo):
            raise ReviewError(f"{base} and {head_ref} share no history in this shallow clone. {FETCH_HINT}")
        raise ReviewError(f"{base} and {head_ref} have no common ancestor; give a --base on the same history.")
    return Revisions(
        repo_root=repo_root,
        prefix="" if prefix == "." else prefix,
        base_ref=base,
        head_ref=head_ref,
        merge_base=bases[0].hexsha,
        head=commits[head_ref],
    )


def is_shallow(repo: git.Repo) -> bool:
    return Path(repo.git_dir, "shallow").is_file()


def _commit(repo: git.Repo, ref: str) -> str:
    import git

    try:
        return repo.commit(ref).hexsha
    except (ValueError, git.BadName, git.GitCommandError):
        shallow = " This clone is shallow, so older commits may be missing." if is_shallow(repo) else ""
        raise ReviewError(f"the ref {ref!r} is not in this repository.{shallow} {FETCH_HINT}") from None


@contextmanager
def exported(repo: git.Repo, commit: str, prefix: str) -> Iterator[Path]:
    """The tree of `commit` (only `prefix` when given) in a temporary folder, removed afterwards.
    A folder the commit does not have (added by the pull request) is exported empty."""
    with tempfile.TemporaryDirectory(prefix="cynic-review-") as folder, tempfile.TemporaryFile() as archive:
        paths = [prefix] if prefix else []
        if not prefix or repo.git.ls_tree(commit, "--", prefix):
            repo.git.archive(commit, "--format=tar", "--", *paths, output_stream=archive)
            archive.seek(0)
            with tarfile.open(fileobj=archive) as tar:
                tar.extractall(folder, filter=_safe_member)
        root = Path(folder, prefix) if prefix else Path(folder)
        root.mkdir(parents=True, exist_ok=True)
        yield root


def _safe_member(member: tarfile.TarInfo, destination: str) -> tarfile.TarInfo | None:
    """Extract regular files and folders; drop links that point outside the tree."""
    try:
        return tarfile.data_filter(member, destination)
    except tarfile.FilterError:
        return None


def changes(repo: git.Repo, revisions: Revisions) -> Changes:
    """Renames (git's -M detection), changed and deleted files, and the unified diff, merge base to head."""
    paths = ["--", revisions.prefix] if revisions.prefix else []
    status = repo.git.diff("-M", "--name-status", "-z", revisions.merge_base, revisions.head, *paths)
    found = Changes()
    fields = status.split("\0")
    index = 0
    while index < len(fields) and fields[index]:
        code = fields[index][0]
        if code in "RC":
            old, new = (_relative(p, revisions.prefix) for p in fields[index + 1 : index + 3])
            if code == "R":
                found.renames[old] = new
            found.changed.append(new)
            index += 3
            continue
        target = _relative(fields[index + 1], revisions.prefix)
        (found.deleted if code == "D" else found.changed).append(target)
        index += 2
    found.diff = repo.git.diff("-M", revisions.merge_base, revisions.head, *paths)
    return found


def _relative(path: str, prefix: str) -> str:
    return PurePosixPath(path).relative_to(prefix).as_posix() if prefix else path
