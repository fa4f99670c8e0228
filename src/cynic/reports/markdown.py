"""The checklist: the markdown a coding agent works through and a reviewer reads in a PR."""

from __future__ import annotations

import re
from functools import cache

import jinja2

from cynic.models import AuditResult

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def escape_markdown(text: str) -> str:
    """Plain text that renders as itself: no links, HTML or emphasis smuggled in from code."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def inline_code(text: str) -> str:
    """`text` as one inline code span, whatever backticks it holds."""
    text = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cynic.reports", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # markdown, escaped by the `md` and `code` filters instead
        keep_trailing_newline=True,
    )
    env.filters["md"] = escape_markdown
    env.filters["code"] = inline_code
    return env


def render_markdown(result: AuditResult) -> str:
    text = environment().get_template("checklist.md.j2").render(result=result)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
