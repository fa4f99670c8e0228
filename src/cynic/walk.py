"""Find the files to audit: honour .gitignore, skip what no reviewer would read."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cynic.file_index import FileIndex, KnownSource
from cynic.models import Skipped
from cynic.source import FileKind, SourceFile, kind_of

if TYPE_CHECKING:
    from pathspec import PathSpec

MAX_FILE_BYTES = 2 * 1024 * 1024

ALWAYS_SKIPPED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
        ".mypy_cache", ".pytest_cache", ".ruff_cache", "site-packages", "dist", "build",
        ".next", ".nuxt", ".svelte-kit", ".turbo", ".cache", "coverage", "htmlcov", ".idea",
        ".vscode", ".cynic", "bower_components", ".parcel-cache",
    }
)
TEST_DIRS = frozenset({"tests", "test", "__tests__", "fixtures", "__fixtures__", "e2e", "examples", "testdata"})


class Discovery(NamedTuple):
    """The files an audit reads and those it passed over, each with its reason; and the stat
    index of what was read (`index`), for the next audit. (This and the other records here are
    named tuples: cheaper to define than dataclasses, on every audit's start.)"""

    files: list[SourceFile]
    skipped: list[Skipped]
    index: FileIndex


class Unread(NamedTuple):
    """A file still to be read: the last audit did not record it under its present stat."""

    path: str  # relative to the audited root, with `/`
    kind: FileKind
    absolute: str
    size: int  # from its stat when listed, to share out the work; 0 when it could not be taken


class Listing(NamedTuple):
    """The files an audit looks at, in a stable order, before any is read: those unchanged since
    the last audit (`KnownSource`, their records kept in `index`) and those still to read; and
    the symbolic links passed over."""

    entries: list[KnownSource | Unread]
    skipped: list[Skipped]
    index: FileIndex


def is_test_path(rel_path: str) -> bool:
    *folders, name = rel_path.split("/")
    return not TEST_DIRS.isdisjoint(folders) or _is_test_file(name)


def _is_test_file(name: str) -> bool:
    """`test_*.py`, `*_test.py`, `conftest.py`, `*.test.*`, `*.spec.*`, `*.stories.*`."""
    if "test" not in name and ".spec." not in name and ".stories." not in name:
        return False  # each name below holds one of these (asked of every file listed: most fail here)
    return (
        (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or name == "conftest.py"
        or ".test." in name
        or ".spec." in name
        or ".stories." in name
    )


def list_files(root: Path, *, include_tests: bool = False, index: FileIndex | None = None,
               on_unread: Callable[[Unread], object] | None = None) -> Listing:
    """Walk `root` once and take each file's stat without reading it: a file whose stat matches
    `index` (the last audit's) is known, every other one is left for `read_unread` and told to
    `on_unread` as it is found (to get ready for it while the walk goes on)."""
    listing = Listing([], [], FileIndex())
    for rel_path, entry in _walk(str(root), include_tests):
        if entry.is_symlink():
            listing.skipped.append(Skipped(path=rel_path, reason="symbolic link, not followed"))
            continue
        # A path the index recorded is of a kind some rule reads (its kind was asked when it was
        # first listed): only the other paths need `kind_of`, which costs about a stat.
        recorded = index is not None and index.recorded(rel_path)
        kind = None if recorded else kind_of(rel_path)
        if not recorded and kind is None:
            continue
        try:
            status: os.stat_result | None = entry.stat(follow_symlinks=False)
        except OSError:
            status = None  # gone since the folder was listed: reading it says why
        known = index.known(rel_path, entry.path, status) if index is not None and status is not None else None
        if known is not None:
            listing.index.keep(known)
            listing.entries.append(known)
        else:
            kind = kind or kind_of(rel_path)
            assert kind is not None
            unread = Unread(rel_path, kind, entry.path, status.st_size if status else 0)
            listing.entries.append(unread)
            if on_unread is not None:
                on_unread(unread)
    return listing


def discover(root: Path, *, include_tests: bool = False, index: FileIndex | None = None) -> Discovery:
    """Walk `root` once and read every file a rule looks at, except those whose stat matches
    `index` (the last audit's): those are read only if something needs their text."""
    listing = list_files(root, include_tests=include_tests, index=index)
    found = Discovery([], listing.skipped, listing.index)
    for entry in listing.entries:
        if isinstance(entry, KnownSource):
            found.files.append(entry)
            continue
        read = read_unread(entry)
        if isinstance(read, Skipped):
            found.skipped.append(read)
        else:
            found.files.append(read[0])
            found.index.record(*read)
    return found


def read_unread(entry: Unread) -> tuple[SourceFile, os.stat_result] | Skipped:
    """The file read as text and its stat taken just before reading it, or why it cannot be audited."""
    return _read(entry.absolute, entry.path, entry.kind)


def read_source(absolute: str | Path, rel_path: str, kind: FileKind) -> SourceFile | Skipped:
    """Read one file as text, or say plainly why it cannot be audited."""
    read = _read(absolute, rel_path, kind)
    return read if isinstance(read, Skipped) else read[0]


def _read(absolute: str | Path, rel_path: str, kind: FileKind) -> tuple[SourceFile, os.stat_result] | Skipped:
    """The file read as text and its stat taken just before reading it, or why it cannot be.

    Read through its descriptor: `open()` would add a buffered reader, a terminal check and two
    seeks to each of the thousands of files an audit reads."""
    try:
        descriptor = os.open(absolute, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            status = os.fstat(descriptor)
            if status.st_size > MAX_FILE_BYTES:
                return Skipped(path=rel_path, reason=f"larger than 2 MB ({status.st_size:,} bytes)")
            data = _read_to_end(descriptor, status.st_size)
        finally:
            os.close(descriptor)
    except OSError as error:
        return Skipped(path=rel_path, reason=f"unreadable: {error.strerror or error}", incomplete=True)
    if b"\x00" in data[:8192]:
        return Skipped(path=rel_path, reason="binary file")
    text, note = decode(data)
    return SourceFile(path=rel_path, kind=kind, text=text, encoding_note=note), status


def _read_to_end(descriptor: int, size: int) -> bytes:
    """Every byte up to the end of the file: in one read when it is still `size` bytes long."""
    parts = []
    while chunk := os.read(descriptor, size + 1):
        parts.append(chunk)
    return b"".join(parts)


def decode(data: bytes) -> tuple[str, str | None]:
    """UTF-8 (with or without BOM) when it is; otherwise Latin-1, which reads any byte, with a note."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        note = (
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); "
            "read as Latin-1, so non-ASCII text in findings may look wrong"
        )
        return data.decode("latin-1"), note


def _walk(root: str, include_tests: bool) -> list[tuple[str, os.DirEntry[str]]]:
    """(relative posix path, entry) for files not ignored, and for symbolic links to folders,
    in a stable order: each folder's entries by name, then its subfolders in turn."""
    found: list[tuple[str, os.DirEntry[str]]] = []
    pending: list[tuple[str, str, list[tuple[str, PathSpec]]]] = [(root, "", [])]
    while pending:
        folder, rel_dir, specs = pending.pop()
        subfolders = _list_folder(folder, rel_dir, specs, include_tests, found)
        pending.extend(reversed(subfolders))  # popped in order: the first subfolder is walked first
    return found


def _list_folder(
    folder: str, rel_dir: str, specs: list[tuple[str, PathSpec]], include_tests: bool,
    found: list[tuple[str, os.DirEntry[str]]],
) -> list[tuple[str, str, list[tuple[str, PathSpec]]]]:
    """Add one folder's files (and links to folders) to `found`; return its subfolders to walk."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError:
        return []  # unreadable folder: skipped, as `os.walk` does
    folders, files = [], []
    for entry in entries:
        (folders if _is_dir(entry) else files).append(entry)
    ignore_file = next((entry for entry in files if entry.name == ".gitignore"), None)
    if ignore_file is not None and ignore_file.is_file():
        specs = [*specs, (rel_dir + "/" if rel_dir else "", _gitignore_spec(ignore_file.path))]
    prefix = rel_dir + "/" if rel_dir else ""
    kept = []
    for entry in folders:
        rel = prefix + entry.name
        if entry.name in ALWAYS_SKIPPED_DIRS or _ignored(specs, rel + "/"):
            continue
        if not include_tests and entry.name in TEST_DIRS:
            continue
        if entry.is_symlink():
            found.append((rel, entry))
            continue
        if os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
            continue
        kept.append((entry.path, rel, specs))
    for entry in files:
        rel = prefix + entry.name
        if _ignored(specs, rel) or not (entry.is_symlink() or entry.is_file()):
            continue
        if not include_tests and _is_test_file(entry.name):  # test folders were not entered
            continue
        found.append((rel, entry))
    return kept


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """A folder, or a link to one (as `os.walk` sorts entries)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _gitignore_spec(path: str) -> PathSpec:
    import pathspec

    with open(path, encoding="utf-8", errors="replace") as handle:
        return pathspec.GitIgnoreSpec.from_lines(handle.read().splitlines())


def _ignored(specs: list[tuple[str, PathSpec]], rel: str) -> bool:
    return bool(specs) and any(spec.match_file(rel[len(base):]) for base, spec in specs if rel.startswith(base))
