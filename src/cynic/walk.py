"""Find the files to audit: honour .gitignore, skip what no reviewer would read."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pathspec

from cynic.models import Skipped
from cynic.source import FileKind, SourceFile, kind_of

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
TEST_FILE_MARKERS = (".test.", ".spec.", ".stories.")


@dataclass
class Discovery:
    """The files an audit reads and those it passed over, each with its reason."""

    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def is_test_path(rel_path: str) -> bool:
    parts = rel_path.split("/")
    name = parts[-1]
    return (
        any(part in TEST_DIRS for part in parts[:-1])
        or (name.startswith("test_") and name.endswith(".py"))
        or name.endswith("_test.py")
        or name == "conftest.py"
        or any(marker in name for marker in TEST_FILE_MARKERS)
    )


def discover(root: Path, *, include_tests: bool = False) -> Discovery:
    """Walk `root` once and read every file a rule looks at."""
    found = Discovery()
    for rel_path, absolute in _walk(root, include_tests):
        kind = kind_of(rel_path)
        if os.path.islink(absolute):
            found.skipped.append(Skipped(path=rel_path, reason="symbolic link, not followed"))
            continue
        if kind is None:
            continue
        source_or_skip = read_source(absolute, rel_path, kind)
        if isinstance(source_or_skip, Skipped):
            found.skipped.append(source_or_skip)
        else:
            found.files.append(source_or_skip)
    return found


def read_source(absolute: Path, rel_path: str, kind: FileKind) -> SourceFile | Skipped:
    """Read one file as text, or say plainly why it cannot be audited."""
    try:
        with open(absolute, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return Skipped(path=rel_path, reason=f"larger than 2 MB ({size:,} bytes)")
            data = handle.read()
    except OSError as error:
        return Skipped(path=rel_path, reason=f"unreadable: {error.strerror or error}", incomplete=True)
    if b"\x00" in data[:8192]:
        return Skipped(path=rel_path, reason="binary file")
    text, note = decode(data)
    return SourceFile(path=rel_path, kind=kind, text=text, encoding_note=note)


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


def _walk(root: Path, include_tests: bool) -> Iterator[tuple[str, Path]]:
    """Yield (relative posix path, absolute path) for files not ignored, in a stable order."""
    specs: list[tuple[str, pathspec.PathSpec]] = []
    for directory, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(directory, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir
        specs = [(base, spec) for base, spec in specs if (rel_dir + "/").startswith(base)]
        ignore_file = Path(directory, ".gitignore")
        if ignore_file.is_file():
            lines = ignore_file.read_text(encoding="utf-8", errors="replace").splitlines()
            specs.append((rel_dir + "/" if rel_dir else "", pathspec.GitIgnoreSpec.from_lines(lines)))
        kept = []
        for name in sorted(dirnames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if name in ALWAYS_SKIPPED_DIRS or _ignored(specs, rel + "/"):
                continue
            if not include_tests and name in TEST_DIRS:
                continue
            if Path(directory, name).is_symlink():
                yield rel, Path(directory, name)
                continue
            if Path(directory, name, "pyvenv.cfg").exists():
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            absolute = Path(directory, name)
            if _ignored(specs, rel) or not (os.path.islink(absolute) or os.path.isfile(absolute)):
                continue
            if not include_tests and is_test_path(rel):
                continue
            yield rel, absolute


def _ignored(specs: list[tuple[str, pathspec.PathSpec]], rel: str) -> bool:
    return any(spec.match_file(rel[len(base):]) for base, spec in specs if rel.startswith(base))
