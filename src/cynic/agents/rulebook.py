"""The rulebook the LLM agents work from: cynic's own, or the user's `--rulebook FILE`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


class RulebookError(Exception):
    """The user's rulebook cannot be read."""


def default_rulebook() -> str:
    """cynic's own rulebook, shipped with the package."""
    return resources.files("cynic").joinpath("rulebook/default.md").read_text(encoding="utf-8")


def load_rulebook(path: Path | None) -> str:
    """The text of the rulebook at `path`, or cynic's default when `path` is None."""
    if path is None:
        return default_rulebook()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise RulebookError(f"cannot read the rulebook {path}: {reason}. Give a readable UTF-8 Markdown file.") from None
    if not text.strip():
        raise RulebookError(f"the rulebook {path} is empty. Give a file with your rules, or leave --rulebook out.")
    return text
