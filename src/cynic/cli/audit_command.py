"""`cynic audit [PATH]`: run every rule over a tree and print the checklist."""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

from pathlib import Path

import typer

from cynic.cli._common import INCLUDE_TESTS, exit_with_verdict, fail
from cynic.cli._output import Format, annotate_in_github_actions, write_report
from cynic.severity import Severity

# What each audit built, never freed: the process leaves with `os._exit` (see `cynic.cli.main`).
_LEFT_TO_EXIT: list[object] = []


def audit(
    path: Path = typer.Argument(Path("."), help="Folder to audit."),
    format: Format = typer.Option(Format.markdown, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    fail_on: Severity = typer.Option(Severity.LOW, "--fail-on", help="Exit 1 on findings at or above this severity."),
    include_tests: bool = INCLUDE_TESTS,
    no_baseline: bool = typer.Option(False, "--no-baseline", help="List findings in .cynic/baseline.json too."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Re-analyse every file instead of reusing unchanged files' results."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr (a live bar on a terminal, two plain lines otherwise)."),
) -> None:
    """Audit a FastAPI + React project against the rulebook and print the checklist.

    Findings in .cynic/baseline.json and under a waiver in .cynic/waivers.json are counted but
    kept off the checklist. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error
    or incomplete audit.
    """
    from cynic.audit import AuditError, audit as run_audit
    from cynic.policy import PolicyError, apply_policy, load_policy
    from cynic.reports.progress import progress

    try:
        with progress(f"auditing {path}: files analysed", quiet=quiet) as tracker:
            found = run_audit(path, include_tests=include_tests, use_cache=not no_cache,
                              progress=lambda count, total: tracker.advance(count, total=total), retain=_LEFT_TO_EXIT)
        result = apply_policy(found, load_policy(path, use_baseline=not no_baseline))
    except (AuditError, PolicyError) as error:
        fail(str(error))
    write_report(format, result, output)
    annotate_in_github_actions(result.findings)
    exit_with_verdict(
        failing=result.failing(fail_on),
        incomplete=("the audit is incomplete: some files could not be parsed (listed under skipped). "
                    "Fix their syntax or exclude them in .gitignore.") if result.incomplete else None,
    )
