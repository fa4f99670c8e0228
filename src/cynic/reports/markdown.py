"""The checklist: the markdown a coding agent works through and a reviewer reads in a PR."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

import jinja2

from cynic.models import AuditResult, Finding, Severity, WaivedFinding
from cynic.reports._template_cache import template_cache
from cynic.reports.visible_text import reveal

if TYPE_CHECKING:
    from cynic.review.result import ReviewResult

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~])")


def escape_markdown(text: str) -> str:
    """Plain text that renders as itself: no links, HTML or emphasis smuggled in from code, and
    no invisible or reordering character (shown as `⟨U+202E⟩`)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", reveal(" ".join(str(text).split())))


def inline_code(text: str) -> str:
    """`text` as one inline code span, whatever backticks it holds, invisible characters shown."""
    text = reveal(" ".join(str(text).split()))
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
        bytecode_cache=template_cache("markdown"),
    )
    env.filters["md"] = escape_markdown
    env.filters["code"] = inline_code
    env.globals["dict_by_fingerprint"] = _by_fingerprint
    env.globals["severity_counts"] = _severity_counts
    return env


def render_markdown(result: AuditResult) -> str:
    """The checklist of an audit."""
    return _tidy(environment().get_template("checklist.md.j2").render(result=result))


def render_review_markdown(review: ReviewResult) -> str:
    """The pull-request comment of a review; the first line is a marker a bot can find to update it."""
    return _tidy(environment().get_template("review.md.j2").render(review=review))


def _tidy(text: str) -> str:
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _by_fingerprint(entries: Iterable[WaivedFinding]) -> dict[str, WaivedFinding]:
    return {entry.finding.fingerprint: entry for entry in entries}


def _severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    counts = {severity: 0 for severity in Severity}
    for finding in findings:
        counts[finding.severity] += 1
    return counts
