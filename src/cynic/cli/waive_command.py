"""`cynic waive FINGERPRINT --reason ... --owner ... --expires YYYY-MM-DD [PATH]`: a time-boxed exception."""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

from datetime import date, datetime
from pathlib import Path

import typer

from cynic.cli._common import INCLUDE_TESTS, fail


def waive(
    fingerprint: str = typer.Argument(..., help="The finding's fingerprint (the `Fingerprint:` line of the checklist)."),
    path: Path = typer.Argument(Path("."), help="The project folder."),
    reason: str = typer.Option(..., "--reason", help="Why it is acceptable for now."),
    owner: str = typer.Option(..., "--owner", help="Who answers for it (a person or a team)."),
    expires: datetime = typer.Option(..., "--expires", formats=["%Y-%m-%d"], help="Last day the waiver holds (YYYY-MM-DD)."),
    include_tests: bool = INCLUDE_TESTS,
) -> None:
    """Waive one finding until a date, in .cynic/waivers.json (commit it so the waiver is reviewed).

    The finding moves to the "Waived" section with its owner, expiry and reason. After the expiry
    date it is back on the checklist, marked "waiver expired".
    """
    from cynic.audit import AuditError, audit as run_audit
    from cynic.models import Waiver
    from cynic.policy import PolicyError, add_waiver
    from cynic.fingerprints import normalise

    if not reason.strip() or not owner.strip():
        fail("--reason and --owner must not be empty: a waiver says why, and who answers for it.")
    if expires.date() < date.today():
        fail(f"--expires {expires.date()} is in the past. Give the last day the waiver should hold.")
    try:
        result = run_audit(path, include_tests=include_tests)
    except AuditError as error:
        fail(str(error))
    finding = next((f for f in result.findings if f.fingerprint == fingerprint.strip()), None)
    if finding is None:
        fail(f"no finding in {path} has the fingerprint {fingerprint!r}. Copy it from the `Fingerprint:` "
             "line of `cynic audit` (or the `fingerprint` field of `--format json`).")
    waiver = Waiver(
        fingerprint=finding.fingerprint,
        rule=finding.rule,
        path=finding.path,
        evidence=normalise(finding.evidence),
        reason=reason.strip(),
        owner=owner.strip(),
        expires=expires.date(),
    )
    try:
        written = add_waiver(path, waiver)
    except PolicyError as error:
        fail(str(error))
    typer.echo(f"waived {finding.rule} at {finding.path}:{finding.line} until {waiver.expires} (owner {waiver.owner}): wrote {written}. Commit it.")
