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
from collections.abc import Iterable
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

COMMANDS = {
    "audit": audit_command.audit,
    "review": review_command.review,
    "baseline": baseline_command.baseline,
    "waive": waive_command.waive,
    "rules": rules_command.app,
    "report": report_command.report,
    **{name: getattr(loop_command, name) for name in ("fix", "implement", "runs", "show", "resume", "demo")},
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cynic {__version__}")
        raise typer.Exit()


def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error or incomplete audit."""


def build_app(names: Iterable[str] = COMMANDS) -> typer.Typer:
    """The `cynic` command with the named subcommands (by default all of them)."""
    built = typer.Typer(
        name="cynic",
        help="A coding agent and a deeply cynical security agent take turns until the flaw checklist is empty.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )
    built.callback()(_root)
    for name in names:
        command = COMMANDS[name]
        if isinstance(command, typer.Typer):
            built.add_typer(command, name=name)
        else:
            built.command(name)(command)
    return built


app = build_app()


def main() -> NoReturn:
    """The `cynic` program: run the command, flush its output, and leave at once.

    Tearing the interpreter down frees every object left, one by one, which costs a warm audit
    about a tenth of its time. By the time a command returns it has closed its files and waited
    for its processes, so there is nothing left to tidy (mypy leaves the same way).
    """
    # Typer reads the signature of every subcommand it is given on every run (a twentieth of
    # `cynic --version`): a run that names its subcommand gets that one alone.
    named = sys.argv[1:2]
    try:
        build_app(named if named and named[0] in COMMANDS else COMMANDS)()
        code = 0
    except SystemExit as done:
        if not isinstance(done.code, int | None):
            raise  # a message to print: Python's own exit does that
        code = done.code or 0
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe has nobody left to read it
            stream.flush()
    os._exit(code)
