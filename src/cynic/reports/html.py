"""The HTML report: one self-contained file that works offline and from a CI artifact.

Everything from the audited code is data: jinja2 escapes it (autoescape, StrictUndefined), and
`reveal` shows invisible characters, on every `{{ }}` through the environment's `finalize`. The
only markup not written by the template is Pygments' output, which escapes the code itself.
The page's one <style> and one <script> are allowed by hash in a Content-Security-Policy that
forbids loading anything, so nothing in the report can reach the network or run other code.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup, escape

from cynic.models import AuditResult
from cynic.reports.run_view import FindingView, RunView, Snippet
from cynic.reports.timeline_chart import timeline_chart
from cynic.reports.visible_text import reveal

if TYPE_CHECKING:
    from cynic.review.result import ReviewResult

CODE_STYLE = "default"
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_FENCE = re.compile(r"```(\w*)[^\n]*\n(.*?)```", re.S)


def render_audit_html(result: AuditResult) -> str:
    """The report page of an audit: a run with no rounds."""
    from cynic.reports.audit_view import view_from_audit

    return render_html(view_from_audit(result))


def render_review_html(review: ReviewResult) -> str:
    """The report page of a pull request's review: every finding marked new, existing or fixed."""
    from cynic.reports.audit_view import view_from_review

    return render_html(view_from_review(review))


def render_html(view: RunView) -> str:
    """The report page for `view`."""
    from pygments.formatters import HtmlFormatter

    templates = files("cynic.reports") / "templates"
    style = (templates / "report.css").read_text(encoding="utf-8") + HtmlFormatter(style=CODE_STYLE).get_style_defs(".hl")
    script = (templates / "report.js").read_text(encoding="utf-8")
    policy = (
        f"default-src 'none'; style-src {_hash(style)}; script-src {_hash(script)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    return environment().get_template("report.html.j2").render(
        view=view,
        chart=timeline_chart(view.rounds) if view.rounds else None,
        rule_docs=_rule_docs(view),
        style=Markup(style),
        script=Markup(script),
        policy=policy,
    )


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cynic.reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "html.j2"), default=True),
        undefined=jinja2.StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["code_block"] = highlight_finding
    env.filters["diff_block"] = highlight_diff
    env.filters["anchor"] = anchor
    env.filters["money"] = lambda cost: f"{cost:,.4f}" if cost < 1 else f"{cost:,.2f}"
    env.filters["thousands"] = lambda number: f"{number:,}"
    return env


def _finalize(value: Any) -> Any:
    """Every printed value: markup passes (the template's own and Pygments'), text is revealed."""
    if isinstance(value, Markup):
        return value
    return reveal(str(value))


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def anchor(fingerprint: str) -> str:
    """An element id for a finding: only letters and digits, whatever the fingerprint holds."""
    return "f-" + re.sub(r"[^A-Za-z0-9]", "", fingerprint)[:40]


def highlight_finding(view: FindingView) -> Markup:
    """The code around the finding, or its evidence line when the file cannot be read,
    highlighted with line numbers and the finding's lines marked."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter

    finding = view.finding
    snippet = view.snippet or Snippet(first=finding.line, lines=finding.evidence.splitlines() or [""], marked=[finding.line])
    code = reveal("\n".join(snippet.lines)) + "\n"
    marked = [number - snippet.first + 1 for number in snippet.marked]
    formatter = HtmlFormatter(cssclass="hl", linenos="inline", linenostart=snippet.first, hl_lines=marked, wrapcode=True)
    return Markup(highlight(code, _lexer_for(finding.path), formatter))


def highlight_diff(diff: str) -> Markup:
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import DiffLexer

    return Markup(highlight(reveal(diff), DiffLexer(stripnl=False), HtmlFormatter(cssclass="hl diff", wrapcode=True)))


def _lexer_for(path: str) -> Any:
    from pygments.lexers import TextLexer, get_lexer_for_filename
    from pygments.util import ClassNotFound

    try:
        return get_lexer_for_filename(path, stripnl=False)
    except ClassNotFound:
        return TextLexer(stripnl=False)


def _rule_docs(view: RunView) -> dict[str, dict[str, Markup]]:
    """For each catalog rule in the report: why it matters and what to use instead, as markup."""
    from cynic.rules import RULES_BY_CODE

    docs = {}
    for code in {item.finding.rule for item in view.findings}:
        rule = RULES_BY_CODE.get(code)
        if rule is not None:
            doc = rule.doc()
            docs[code] = {"why": _prose(doc.why), "use_instead": _prose(doc.use_instead)}
    return docs


def _prose(text: str) -> Markup:
    """A rule doc section: escaped paragraphs with `inline code`, fenced blocks highlighted."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import TextLexer, get_lexer_by_name
    from pygments.util import ClassNotFound

    parts: list[str] = []
    position = 0
    for match in _FENCE.finditer(text):
        parts.extend(_paragraphs(text[position : match.start()]))
        try:
            lexer = get_lexer_by_name(match.group(1) or "text", stripnl=False)
        except ClassNotFound:
            lexer = TextLexer(stripnl=False)
        parts.append(highlight(match.group(2), lexer, HtmlFormatter(cssclass="hl", wrapcode=True)))
        position = match.end()
    parts.extend(_paragraphs(text[position:]))
    return Markup("".join(parts))


def _paragraphs(text: str) -> list[str]:
    return [
        "<p>" + _INLINE_CODE.sub(r"<code>\1</code>", str(escape(" ".join(block.split())))) + "</p>"
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]
