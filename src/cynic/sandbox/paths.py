"""Confinement: every path an agent names is resolved inside the workspace, or refused."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath


class PathEscape(ValueError):
    """A path that would reach outside the workspace (`..`, absolute, or through a symlink)."""


def relative_parts(text: str) -> tuple[str, ...]:
    """The components of `text` when it is a plain relative path, or `PathEscape`.

    Refused: empty paths, NUL bytes, absolute paths (POSIX or Windows style, `~`) and any `..`
    component. Only the text is checked; `resolve_inside` also follows symlinks on disk.
    """
    if not text.strip() or "\x00" in text:
        raise PathEscape(f"{text!r} names no file in the workspace")
    windows = PureWindowsPath(text)
    if PurePosixPath(text).is_absolute() or windows.is_absolute() or windows.drive or text.startswith(("\\", "~")):
        raise PathEscape(f"{text!r} is absolute; give a path relative to the workspace")
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if ".." in parts:
        raise PathEscape(f"{text!r} climbs out with '..'; give a path inside the workspace")
    return parts


def resolve_inside(workspace: Path, relative: str | Path, *, for_write: bool = False) -> Path:
    """The absolute path of `relative` inside `workspace`, or `PathEscape`.

    Refused: what `relative_parts` refuses, and paths whose resolved target (following symlinks)
    lies outside the workspace. With `for_write`, a path that goes through any symlink at all is
    refused too, so a write can never follow a link planted by earlier code, even one that points
    inside today.
    """
    text = str(relative)
    parts = relative_parts(text)
    root = workspace.resolve()
    candidate = root.joinpath(*parts)
    resolved = candidate.resolve()
    if not resolved.is_relative_to(root):
        raise PathEscape(f"{text!r} resolves to {resolved}, outside the workspace")
    if for_write:
        current = root
        for part in parts:
            current = current / part
            if current.is_symlink():
                raise PathEscape(f"{text!r} goes through the symlink {current.relative_to(root)}; refusing to write through it")
    return candidate
