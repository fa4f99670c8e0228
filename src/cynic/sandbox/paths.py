"""Confine every path an agent names to the run's workspace."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath


class PathEscape(ValueError):
    """A path that would lead outside the workspace: refused, never followed."""


def resolve_inside(workspace: Path, relative: str | Path) -> Path:
    """The real location of `relative` under `workspace`, or `PathEscape`.

    Refused: empty paths, NUL bytes, absolute paths (POSIX or Windows, drives included), any `..`
    component, and paths whose existing part resolves, through symbolic links, outside the
    workspace. The returned path is fully resolved, so opening it cannot be redirected later
    by a symlink in between. Writers must also call `refuse_symlink` (a symlink inside the
    workspace may still point at a file the agent must not overwrite through it).
    """
    text = str(relative)
    if not text.strip() or "\x00" in text:
        raise PathEscape(f"{text!r} is not a usable path")
    posix, windows = PurePosixPath(text), PureWindowsPath(text)
    if posix.is_absolute() or windows.is_absolute() or windows.drive or text.startswith(("\\", "~")):
        raise PathEscape(f"{text} is absolute; give a path relative to the workspace")
    if ".." in posix.parts or ".." in windows.parts:
        raise PathEscape(f"{text} climbs out with '..'; give a path inside the workspace")
    root = workspace.resolve()
    resolved = (root / posix).resolve()
    if resolved != root and root not in resolved.parents:
        raise PathEscape(f"{text} leads outside the workspace through a symbolic link")
    return resolved


def refuse_symlink(workspace: Path, relative: str | Path) -> None:
    """Raise `PathEscape` when `relative` or any folder on the way to it is a symbolic link."""
    current = workspace.resolve()
    for part in PurePosixPath(str(relative)).parts:
        current = current / part
        if current.is_symlink():
            raise PathEscape(f"{relative} goes through the symbolic link {part}; write to the real file instead")
