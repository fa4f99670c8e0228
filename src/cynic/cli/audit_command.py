"""`cynic audit [PATH]`: run every rule over a tree and print the checklist."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from cynic.cli._common import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, emit, fail
from cynic.severity import Severity


class Format(StrEnum):
    markdown = "markdown"
    json = "json"
    html = "html"


def audit(
    path: Path = typer.Argument(Path("."), help="Folder to audit."),
    format: Format = typer.Option(Format.markdown, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    fail_on: Severity = typer.Option(Severity.LOW, "--fail-on", help="Exit 1 on findings at or above this severity."),
    include_tests: bool = typer.Option(False, "--include-tests", help="Also audit tests, fixtures and examples folders."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Re-analyse every file instead of reusing unchanged files' results."),
) -> None:
    """Audit a FastAPI + React project against the rulebook and print the checklist.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or incomplete audit.
    """
    from cynic.audit import AuditError, audit as run_audit

    try:
        result = run_audit(path, include_tests=include_tests, use_cache=not no_cache)
    except AuditError as error:
        fail(str(error))
    if format is Format.json:
        from cynic.reports.json import render_json

        emit(render_json(result), output)
    elif format is Format.html:
        from cynic.reports.html import render_audit_html

        emit(render_audit_html(result), output)
    else:
        from cynic.reports.markdown import render_markdown

        emit(render_markdown(result), output)
    if result.incomplete:
        typer.echo(
            "error: the audit is incomplete: some files could not be parsed (listed under skipped). "
            "Fix their syntax or exclude them in .gitignore.",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(EXIT_FINDINGS if result.failing(fail_on) else EXIT_CLEAN)
