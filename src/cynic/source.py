"""A file under audit: its text, its kind, its content hash. Parsed at most once."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any


class FileKind(StrEnum):
    """What a file is, which decides which parser and which rules see it."""

    PYTHON = "python"
    SCRIPT = "script"  # TypeScript, TSX, JavaScript, JSX
    DOCKERFILE = "dockerfile"
    DOTENV = "dotenv"
    COMPOSE = "compose"
    TEXT = "text"  # docs and config read for secrets and reviewer injection only


SCRIPT_SUFFIXES = frozenset({".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts"})
TEXT_SUFFIXES = frozenset({".md", ".rst", ".txt", ".toml", ".yaml", ".yml", ".json", ".ini", ".cfg", ".html"})


def kind_of(path: str) -> FileKind | None:
    """The kind of a relative path, or None when no rule reads such files."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    suffix = name[dot:].lower() if 0 < dot < len(name) - 1 else ""  # PurePosixPath(path).suffix, faster
    if suffix in (".py", ".pyi"):
        return FileKind.PYTHON
    if suffix in SCRIPT_SUFFIXES:
        return FileKind.SCRIPT
    if name in ("Dockerfile", "Containerfile") or name.startswith("Dockerfile.") or suffix == ".dockerfile":
        return FileKind.DOCKERFILE
    if name == ".env" or name.startswith(".env.") or suffix == ".env":
        return FileKind.DOTENV
    if name.startswith(("docker-compose", "compose.")) and suffix in (".yml", ".yaml"):
        return FileKind.COMPOSE
    if suffix in TEXT_SUFFIXES and not name.endswith(".lock") and name != "package-lock.json":
        return FileKind.TEXT
    return None


@dataclass
class SourceFile:
    """One file's text and metadata. `tree` is filled in once by its parser."""

    path: str  # relative to the audited root, with `/`
    kind: FileKind
    text: str
    encoding_note: str | None = None
    tree: Any = field(default=None, repr=False)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def line_count(self) -> int:
        return len(self.lines)

    @cached_property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.path).suffix.lower()

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without its tree and its lines, but with their count and the digest: a worker
        process sends back the text it read and what the audit needs of it, computed there."""
        state = {**self.__dict__, "tree": None, "digest": self.digest, "line_count": self.line_count}
        state.pop("lines", None)
        return state

    def line_text(self, line: int) -> str:
        """The 1-based line's text without its newline, '' past the end."""
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1]
        return ""
