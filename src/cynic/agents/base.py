"""The contracts between the loop and its agents. The loop knows these, never an agent's insides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cynic.models import Finding


@dataclass(frozen=True)
class CodingTask:
    """What a coder gets each round."""

    workspace: Path  # the sandbox worktree; the only place a coder may touch
    round: int  # 1-based
    checklist: list[Finding]  # the security agent's open findings
    request: str | None = None  # the feature asked for (`cynic implement`), None for `cynic fix`
    test_output: str | None = None  # the previous round's failing test output, if any
    rulebook: str = ""  # the user's rulebook text
    max_tokens: int | None = None  # what the run's token budget leaves for this round (None: no budget)
    max_cost: float | None = None  # what the run's cost budget leaves for this round (None: no budget)


@dataclass
class Usage:
    """Tokens (and cost when a price is known) an agent spent."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.cost += other.cost

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class CodingOutcome:
    """What a coder did in one round."""

    summary: str
    changed_paths: list[str] = field(default_factory=list)  # relative to the workspace
    addressed: list[str] = field(default_factory=list)  # fingerprints the coder says it fixed
    needs_human: list[str] = field(default_factory=list)  # fingerprints it cannot fix, and why, in `notes`
    notes: dict[str, str] = field(default_factory=dict)  # fingerprint -> why it was left
    refused: list[str] = field(default_factory=list)  # tool calls refused for reaching outside the workspace
    follow_ups: dict[str, str] = field(default_factory=dict)  # fingerprint it addressed -> what a person must still do
    usage: Usage = field(default_factory=Usage)


class Coder(Protocol):
    """Changes the workspace to satisfy the request and clear the checklist."""

    name: str

    def code(self, task: CodingTask) -> CodingOutcome: ...


@dataclass(frozen=True)
class ReviewTask:
    """What an LLM reviewer gets: the code to judge, as data, and what the rules already found."""

    workspace: Path
    changed_paths: list[str]
    diff: str
    deterministic: list[Finding]
    rulebook: str = ""


@dataclass
class ReviewOutcome:
    findings: list[Finding]  # source="llm"; can only add to the deterministic ones
    files_read: list[str] = field(default_factory=list)
    files_not_read: list[str] = field(default_factory=list)
    dropped: int = 0  # findings whose evidence was not at the place they named
    usage: Usage = field(default_factory=Usage)


class Reviewer(Protocol):
    name: str

    def review(self, task: ReviewTask) -> ReviewOutcome: ...
