"""What a review found: the findings a change adds, keeps and fixes, and what was read to know it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from cynic.models import AuditResult, Finding, Severity, Skipped


class Coverage(BaseModel):
    """How much of one tree an audit read, and what it skipped and why."""

    files: int
    lines: int
    skipped: list[Skipped] = Field(default_factory=list)

    @classmethod
    def of(cls, result: AuditResult) -> Coverage:
        return cls(files=int(result.stats.get("files", 0)), lines=int(result.stats.get("lines", 0)), skipped=result.skipped)

    @property
    def incomplete(self) -> bool:
        return any(s.incomplete for s in self.skipped)


class LLMCoverage(BaseModel):
    """Exactly which files the LLM reviewer read, and which it could not."""

    reviewer: str
    files_read: list[str] = Field(default_factory=list)
    files_not_read: list[str] = Field(default_factory=list)
    dropped: int = Field(default=0, description="LLM findings dropped because their evidence was not where they said.")


class ReviewResult(BaseModel):
    """A pull request's review. `head` is the head tree's audit with the baseline and waivers applied."""

    base_ref: str
    head_ref: str
    merge_base: str
    head_commit: str
    prefix: str = Field(default="", description="The reviewed folder, relative to the repository root.")
    head: AuditResult
    base_coverage: Coverage
    new: list[Finding] = Field(default_factory=list, description="Open findings the change adds.")
    existing: list[Finding] = Field(default_factory=list, description="Open findings already in the merge base.")
    fixed: list[Finding] = Field(default_factory=list, description="Merge-base findings the change removes.")
    changed_paths: list[str] = Field(default_factory=list)
    deleted_paths: list[str] = Field(default_factory=list)
    renames: dict[str, str] = Field(default_factory=dict)
    llm: LLMCoverage | None = None
    report_all: bool = False
    stats: dict[str, float] = Field(default_factory=dict)

    @property
    def checklist(self) -> list[Finding]:
        """What the change must answer for: the new findings, or every open one with `--all`."""
        return [*self.new, *self.existing] if self.report_all else self.new

    @property
    def incomplete(self) -> bool:
        return self.head.incomplete or self.base_coverage.incomplete or bool(self.llm and self.llm.files_not_read)

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.checklist if f.severity.at_least(threshold)]
