"""Prompts: jinja2 templates, one per agent, rendered with StrictUndefined."""

from __future__ import annotations

from functools import cache
from typing import Any

TEMPLATES = ("coder_system.md.j2", "coder_task.md.j2", "reviewer_system.md.j2", "reviewer_task.md.j2")


def render(name: str, **context: Any) -> str:
    """Render the template `name` from this package; a missing variable is an error, not a blank."""
    return _environment().get_template(name).render(**context).strip() + "\n"


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("cynic", "prompts"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
