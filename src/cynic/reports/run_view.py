"""What a report shows, whatever produced it: a loop run (rounds of coder and security agent)
or a single audit (a run with no rounds). The HTML and terminal renderers read only this."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from cynic.models import Finding, Notice, Skipped, Waiver
from cynic.severity import Severity

FindingStatus = Literal["open", "fixed", "waived"]


class AgentUsage(BaseModel):
    """Tokens and cost one agent (or a group of agents) spent."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def describe(self) -> str:
        """`360 tokens (300 prompt + 60 completion), cost 0.0012`."""
        return (f"{self.total_tokens:,} tokens ({self.prompt_tokens:,} prompt + {self.completion_tokens:,} completion), "
                f"cost {self.cost:.4f}")

    def __add__(self, other: AgentUsage) -> AgentUsage:
        return AgentUsage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            cost=self.cost + other.cost,
        )


class TestResult(BaseModel):
    """The target's own tests after a round."""

    __test__ = False  # not a pytest class

    command: str
    passed: bool
    exit_code: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    tail: str = ""

    @property
    def word(self) -> str:
        if self.passed:
            return "passed"
        return "timed out" if self.timed_out else f"failed (exit {self.exit_code})"


class Snippet(BaseModel):
    """A few lines of the audited file around a finding; `first` is the number of lines[0]."""

    first: int
    lines: list[str]
    marked: list[int] = Field(default_factory=list)  # line numbers the finding points at


ReviewChange = Literal["new", "existing", "fixed"]


class FindingView(BaseModel):
    """A finding with its history in the run, its waiver (from `.cynic/waivers.json`), and, in a
    review, what the change did to it."""

    finding: Finding
    status: FindingStatus = "open"
    waiver: Waiver | None = None
    waiver_expired: bool = False
    change: ReviewChange | None = None
    opened_round: int | None = None
    fixed_round: int | None = None
    reopened: bool = False
    snippet: Snippet | None = None


class ReviewCoverage(BaseModel):
    """What the LLM reviewer read in a round, and what it did not (over its budget)."""

    files_read: list[str] = Field(default_factory=list)
    files_not_read: list[str] = Field(default_factory=list)
    dropped: int = 0  # its findings whose evidence was not at the place they named


class RoundView(BaseModel):
    """One round: 0 is the audit of the starting commit, N the coder's N-th turn."""

    number: int
    commit: str | None = None
    files_changed: list[str] = Field(default_factory=list)
    diff: str | None = None
    diff_truncated: bool = False
    coder_summary: str = ""
    opened: list[str] = Field(default_factory=list)  # fingerprints first seen this round
    fixed: list[str] = Field(default_factory=list)  # fingerprints open before, gone after
    reopened: list[str] = Field(default_factory=list)  # fingerprints fixed earlier, back now
    open_after: int = 0
    test: TestResult | None = None
    unparsed: list[str] = Field(default_factory=list)
    usage: dict[str, AgentUsage] = Field(default_factory=dict)
    refused: list[str] = Field(default_factory=list)  # the coder's tool calls refused (outside the workspace)
    follow_ups: list[str] = Field(default_factory=list)  # what a person must still do about the round's fixes
    review: ReviewCoverage | None = None  # None when no LLM reviewer looked this round


class Coverage(BaseModel):
    """What the audit read, and what it did not and why."""

    files_audited: int | None = None
    lines_audited: int | None = None
    skipped: list[Skipped] = Field(default_factory=list)

    @property
    def incomplete(self) -> bool:
        return any(skip.incomplete for skip in self.skipped)


class RunView(BaseModel):
    """A run or an audit, as a security lead reads it."""

    title: str
    run_id: str | None = None
    mode: str | None = None
    request: str | None = None
    status: str
    error: str | None = None
    root: str
    branch: str | None = None
    base_commit: str | None = None
    started_at: str | None = None
    version: str = ""
    rounds: list[RoundView] = Field(default_factory=list)
    findings: list[FindingView] = Field(default_factory=list)
    coverage: Coverage = Field(default_factory=Coverage)
    notices: list[Notice] = Field(default_factory=list)
    usage: dict[str, AgentUsage] = Field(default_factory=dict)
    baselined: int = 0  # findings accepted in `.cynic/baseline.json`: counted, not listed
    review: str | None = None  # "base...head" when the view is a pull request's review

    @property
    def coder_rounds(self) -> int:
        return sum(1 for round_ in self.rounds if round_.number > 0)

    @property
    def llm_used(self) -> bool:
        return any(usage.total_tokens or usage.cost for usage in self.usage.values())

    @property
    def total_usage(self) -> AgentUsage:
        return sum(self.usage.values(), AgentUsage())

    def with_status(self, status: FindingStatus) -> list[FindingView]:
        return [view for view in self.findings if view.status == status]

    def open_by_severity(self) -> dict[Severity, int]:
        """Open findings per severity, every severity present, most severe first."""
        counts = {severity: 0 for severity in Severity}
        for view in self.with_status("open"):
            counts[view.finding.severity] += 1
        return counts

    def with_change(self, change: ReviewChange) -> list[FindingView]:
        return [view for view in self.findings if view.change == change]

    def apply_waivers(self, waivers: list[Waiver], today: date) -> RunView:
        """A copy in which open findings matched by a live waiver are waived; a finding whose
        waiver has expired stays open and shows the waiver. Matching is `apply_policy`'s."""
        from cynic.policy.apply import match_entries

        root = Path(self.root)
        open_findings = [view.finding for view in self.findings if view.status != "fixed"]
        waiver_of = match_entries(open_findings, waivers, lambda path: not (root / path).is_file())
        findings = []
        for view in self.findings:
            waiver = waiver_of.get(view.finding.fingerprint) if view.status != "fixed" else None
            if waiver is None:
                findings.append(view)
                continue
            expired = waiver.expired(today)
            status: FindingStatus = "open" if expired else "waived"
            findings.append(view.model_copy(update={"waiver": waiver, "waiver_expired": expired, "status": status}))
        return self.model_copy(update={"findings": sort_findings(findings)})


STATUS_ORDER = {"open": 0, "waived": 1, "fixed": 2}


def sort_findings(findings: list[FindingView]) -> list[FindingView]:
    """Open first, then waived, then fixed; worst first within each."""
    return sorted(findings, key=lambda view: (STATUS_ORDER[view.status], view.finding.sort_key))
