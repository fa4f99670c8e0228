"""Small helpers shared by commands: errors that say what to do, and writing output."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

INCLUDE_TESTS = typer.Option(False, "--include-tests", help="Also audit tests, fixtures and examples folders.")


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print `error: message` on stderr and exit with `code`; never a traceback."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def exit_with_verdict(*, failing: bool, incomplete: str | None = None) -> NoReturn:
    """Exit 2 with `error: incomplete` on stderr when the check could not see everything, else 1
    when findings reach the --fail-on severity, else 0."""
    if incomplete is not None:
        fail(incomplete)
    raise typer.Exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


def emit(text: str, output: Path | None) -> None:
    """Write `text` to `output`, or to stdout when no file is given."""
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}. Choose a writable --output path.")
