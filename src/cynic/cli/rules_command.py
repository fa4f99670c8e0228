"""`cynic rules`: list the catalog; `cynic rules explain CODE`: print one rule's documentation."""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

import inspect

import typer

from cynic.cli._common import fail

app = typer.Typer(help="List the rule catalog or explain one rule.", invoke_without_command=True)


@app.callback()
def list_rules(context: typer.Context) -> None:
    """List every rule: code, severity, name."""
    if context.invoked_subcommand is not None:
        return
    from cynic.rules import ALL_RULES

    for rule in ALL_RULES:
        typer.echo(f"{rule.code:<8} {rule.severity.value:<9} {rule.name}")


@app.command()
def explain(code: str = typer.Argument(..., help="A rule code, e.g. AUTH002.")) -> None:
    """Print a rule's documentation: what it does, why it matters, an example, what to use instead."""
    from cynic.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code.upper())
    if rule is None:
        fail(f"no rule {code!r}. Run `cynic rules` to list the catalog.")
    cwe = ", ".join(rule.cwe_ids()) or "none"
    typer.echo(f"{rule.code} {rule.name} ({rule.severity.value}; {cwe})\n")
    typer.echo(inspect.getdoc(type(rule)) or "")
