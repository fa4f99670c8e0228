"""`cynic baseline [PATH]`: accept today's findings so that audits and reviews list only later ones."""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

from pathlib import Path

import typer

from cynic.cli._common import EXIT_USAGE, INCLUDE_TESTS, fail


def baseline(
    path: Path = typer.Argument(Path("."), help="Folder to audit."),
    include_tests: bool = INCLUDE_TESTS,
) -> None:
    """Write .cynic/baseline.json from the current findings (sorted, stable JSON: commit it).

    Baselined findings are counted but kept off the checklist of `cynic audit` and `cynic review`;
    `--no-baseline` lists them again. Exit 2 when files could not be parsed (they are not baselined).
    """
    from cynic.audit import AuditError, audit as run_audit
    from cynic.policy import PolicyError, save_baseline

    try:
        result = run_audit(path, include_tests=include_tests)
        written = save_baseline(path, result.findings)
    except (AuditError, PolicyError) as error:
        fail(str(error))
    typer.echo(f"wrote {written}: {len(result.findings)} finding(s) accepted as they stand. Commit it.")
    if result.incomplete:
        unparsed = ", ".join(s.path for s in result.skipped if s.incomplete)
        typer.echo(f"error: these files could not be parsed, so their findings are not in the baseline: {unparsed}", err=True)
        raise typer.Exit(EXIT_USAGE)
