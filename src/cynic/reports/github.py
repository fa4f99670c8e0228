"""GitHub Actions workflow commands: one annotation per checklist finding, on the changed line.

Values are escaped by the workflow-command rules: in the message `%`, CR and LF; in a property
also `:` and `,`, which would otherwise end the property. Invisible and reordering characters in
the message and title are shown (`⟨U+202E⟩`); the file property stays the exact path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from cynic.models import Finding, Severity
from cynic.reports.visible_text import reveal

COMMAND = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "notice",
    Severity.INFO: "notice",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_annotations(findings: Iterable[Finding], prefix: str = "") -> str:
    """One `::error file=...,line=...::message` line per finding; paths relative to the repo root."""
    lines = []
    for finding in findings:
        path = str(PurePosixPath(prefix, finding.path)) if prefix else finding.path
        properties = {
            "file": path,
            "line": str(max(1, finding.line)),
            "endLine": str(max(finding.line, finding.end_line, 1)),
            "title": reveal(f"{finding.rule} {finding.name} ({finding.severity.value})"),
        }
        joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        lines.append(f"::{COMMAND[finding.severity]} {joined}::{escape_data(reveal(f'{finding.message} Fix: {finding.fix}'))}")
    return "".join(f"{line}\n" for line in lines)
