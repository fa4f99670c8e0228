"""The command-line interface: parse, call, print. Commands import their work lazily so that
`cynic --help` and `cynic --version` start fast.

The command modules (and this one) keep their annotations as objects, without `from __future__
import annotations`: typer reads every command's signature on every run, and annotations kept as
strings it would compile and evaluate, twice each (a thirtieth of a warm audit's work).
"""

import contextlib
import gc
import os
import sys
from typing import NoReturn

# A command is a short-lived process that first imports a few hundred modules, whose classes and
# functions live until it exits. At Python's default threshold the cycle collector would run some
# forty times during those imports alone (a tenth of `cynic --version`) and find nothing to free:
# it runs after every 100,000 new objects instead, as during an audit (`cynic.audit`).
gc.set_threshold(100_000, *gc.get_threshold()[1:])

import typer  # noqa: E402

from cynic._version import __version__  # noqa: E402
from cynic.cli import (  # noqa: E402
    audit_command,
    baseline_command,
    loop_command,
    report_command,
    review_command,
    rules_command,
    waive_command,
)

app = typer.Typer(
    name="cynic",
    help="A coding agent and a deeply cynical security agent take turns until the flaw checklist is empty.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cynic {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or incomplete audit."""


app.command("audit")(audit_command.audit)
app.command("review")(review_command.review)
app.command("baseline")(baseline_command.baseline)
app.command("waive")(waive_command.waive)
app.add_typer(rules_command.app, name="rules")
app.command("report")(report_command.report)
for _name in ("fix", "implement", "runs", "show", "resume", "demo"):
    app.command(_name)(getattr(loop_command, _name))


def main() -> NoReturn:
    """The `cynic` program: run the command, flush its output, and leave at once.

    Tearing the interpreter down frees every object left, one by one, which costs a warm audit
    about a tenth of its time. By the time a command returns it has closed its files and waited
    for its processes, so there is nothing left to tidy (mypy leaves the same way).
    """
    try:
        app()
        code = 0
    except SystemExit as done:
        if not isinstance(done.code, int | None):
            raise  # a message to print: Python's own exit does that
        code = done.code or 0
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe has nobody left to read it
            stream.flush()
    os._exit(code)
