"""The vocabulary every part of cynic speaks: severities, findings, audit results.

Plain frozen dataclasses: an audit builds thousands of them and needs no validation library to
do it. Data read back from outside an audit is checked where it is read: the policy files
(`cynic.policy.store`, with pydantic), the loop's stored findings (`Finding.from_json`).
`to_json` gives every one of them its JSON shape, which is a contract: add fields, never rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from enum import Enum
from functools import cache
from typing import Any, Literal

from cynic.severity import Confidence, Severity


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One flaw at one place. The JSON shape is a contract: add fields, never rename."""

    rule: str
    name: str
    severity: Severity
    confidence: Confidence
    cwe: list[str] = field(default_factory=list)
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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Finding:
        """The finding `to_json` stored (in the loop's state and its run history); keys it does
        not know are ignored, keys an older cynic did not write take their defaults."""
        known = {name: value for name, value in data.items() if name in _FINDING_FIELDS}
        return cls(**{**known, "severity": Severity(data["severity"]), "confidence": Confidence(data["confidence"])})


_FINDING_FIELDS = frozenset(f.name for f in fields(Finding))


@dataclass(frozen=True, kw_only=True)
class Skipped:
    """A file the audit did not fully read, and why: coverage is always stated."""

    path: str
    reason: str
    # True when skipping it leaves the audit incomplete (a parse failure), false for files
    # skipped by policy (binary, too large).
    incomplete: bool = False


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Something the user should know that is not a finding (an unreasoned suppression...)."""

    path: str
    line: int
    message: str


@dataclass(frozen=True, kw_only=True)
class BaselineEntry:
    """A finding accepted as it stands when the baseline was taken (`.cynic/baseline.json`)."""

    fingerprint: str
    rule: str
    path: str
    evidence: str  # the finding's line, whitespace-folded


@dataclass(frozen=True, kw_only=True)
class Waiver(BaselineEntry):
    """A decision, kept in the repository, to live with one finding until a date."""

    reason: str
    owner: str
    expires: date

    def expired(self, today: date) -> bool:
        """A waiver covers its finding up to and including its expiry date."""
        return today > self.expires


@dataclass(frozen=True, kw_only=True)
class WaivedFinding:
    """A finding and the waiver that names it."""

    finding: Finding
    waiver: Waiver


@dataclass(frozen=True, kw_only=True)
class AuditResult:
    """Everything one audit found, in the order a reviewer should read it."""

    version: str
    root: str
    findings: list[Finding]
    skipped: list[Skipped] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    suppressed: int = 0
    stats: dict[str, int | float] = field(default_factory=dict)
    # Findings in `.cynic/baseline.json`: counted, not on the checklist.
    baselined: list[Finding] = field(default_factory=list)
    # Findings under a waiver that has not expired: not on the checklist.
    waived: list[WaivedFinding] = field(default_factory=list)
    # Waivers past their date; their findings are back in `findings`.
    expired_waivers: list[WaivedFinding] = field(default_factory=list)
    # Waivers whose fingerprint matches no finding any more.
    stale_waivers: list[Waiver] = field(default_factory=list)

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


def to_json(value: Any) -> Any:
    """`value` (one of these dataclasses, or a list or dict holding them) as JSON data: fields in
    declaration order, enums as their value, dates as `YYYY-MM-DD`."""
    if type(value) in _JSON_SCALARS or value is None:  # most values: answered before any other test
        return value
    names = _field_names(type(value))
    if names is not None:
        return {name: to_json(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value


_JSON_SCALARS = frozenset({str, int, float, bool})  # exactly these: an enum of str is not one


@cache
def _field_names(cls: type) -> tuple[str, ...] | None:
    """A dataclass's field names in declaration order, None for any other class: found once per class."""
    return tuple(f.name for f in fields(cls)) if is_dataclass(cls) else None
