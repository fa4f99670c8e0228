"""Writing a report in the chosen format, and GitHub annotations when running in GitHub Actions."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cynic.cli._common import emit

if TYPE_CHECKING:
    from cynic.models import AuditResult, Finding
    from cynic.review.result import ReviewResult


class Format(StrEnum):
    markdown = "markdown"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    html = "html"


def write_report(format: Format, result: AuditResult, output: Path | None, review: ReviewResult | None = None) -> None:
    """Render an audit (or, with `review`, a review whose head is `result`) and write it."""
    if format is Format.json:
        from cynic.reports.json import render_json, render_review_json

        text = render_review_json(review) if review else render_json(result)
    elif format is Format.sarif:
        from cynic.reports.sarif import render_sarif

        text = render_sarif(result, review)
    elif format is Format.junit:
        from cynic.reports.junit import render_junit

        text = render_junit(result, review)
    elif format is Format.html:
        from cynic.reports.html import render_audit_html, render_review_html

        text = render_review_html(review) if review else render_audit_html(result)
    else:
        from cynic.reports.markdown import render_markdown, render_review_markdown

        text = render_review_markdown(review) if review else render_markdown(result)
    emit(text, output)


def annotate_in_github_actions(findings: list[Finding], prefix: str = "") -> None:
    """Print one workflow-command annotation per finding on stderr when GITHUB_ACTIONS=true."""
    if os.environ.get("GITHUB_ACTIONS") != "true" or not findings:
        return
    from cynic.reports.github import render_annotations

    typer.echo(render_annotations(findings, prefix), err=True, nl=False)
