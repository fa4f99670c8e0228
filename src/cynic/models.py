"""The vocabulary every part of cynic speaks: severities, findings, audit results."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from cynic.severity import Confidence, Severity


class Finding(BaseModel):
    """One flaw at one place. The JSON shape is a contract: add fields, never rename."""

    rule: str
    name: str
    severity: Severity
    confidence: Confidence
    cwe: list[str] = Field(default_factory=list)
    path: str
    line: int
    end_line: int
    message: str
    evidence: str
    fix: str
    fingerprint: str = ""
    source: Literal["rule", "llm"] = "rule"
    whole_file: bool = False

    @property
    def sort_key(self) -> tuple[int, int, str, int, str]:
        return (self.severity.rank, self.confidence.rank, self.path, self.line, self.rule)


class Skipped(BaseModel):
    """A file the audit did not fully read, and why: coverage is always stated."""

    path: str
    reason: str
    incomplete: bool = Field(
        default=False,
        description="True when skipping it leaves the audit incomplete (a parse failure), "
        "false for files skipped by policy (binary, too large).",
    )


class Notice(BaseModel):
    """Something the user should know that is not a finding (an unreasoned suppression...)."""

    path: str
    line: int
    message: str


class BaselineEntry(BaseModel):
    """A finding accepted as it stands when the baseline was taken (`.cynic/baseline.json`)."""

    fingerprint: str
    rule: str
    path: str
    evidence: str = Field(description="The finding's line, whitespace-folded.")


class Waiver(BaselineEntry):
    """A decision, kept in the repository, to live with one finding until a date."""

    reason: str
    owner: str
    expires: date

    def expired(self, today: date) -> bool:
        """A waiver covers its finding up to and including its expiry date."""
        return today > self.expires


class WaivedFinding(BaseModel):
    """A finding and the waiver that names it."""

    finding: Finding
    waiver: Waiver


class AuditResult(BaseModel):
    """Everything one audit found, in the order a reviewer should read it."""

    version: str
    root: str
    findings: list[Finding]
    skipped: list[Skipped] = Field(default_factory=list)
    notices: list[Notice] = Field(default_factory=list)
    suppressed: int = 0
    stats: dict[str, int | float] = Field(default_factory=dict)
    baselined: list[Finding] = Field(
        default_factory=list, description="Findings in `.cynic/baseline.json`: counted, not on the checklist."
    )
    waived: list[WaivedFinding] = Field(
        default_factory=list, description="Findings under a waiver that has not expired: not on the checklist."
    )
    expired_waivers: list[WaivedFinding] = Field(
        default_factory=list, description="Waivers past their date; their findings are back in `findings`."
    )
    stale_waivers: list[Waiver] = Field(
        default_factory=list, description="Waivers whose fingerprint matches no finding any more."
    )

    @property
    def incomplete(self) -> bool:
        return any(s.incomplete for s in self.skipped)

    def counts(self) -> dict[Severity, int]:
        """Findings per severity, every severity present, most severe first."""
        counts = {severity: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.at_least(threshold)]
