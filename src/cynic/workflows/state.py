"""The loop's durable state: everything needed to show a run or resume it, and nothing else.

Runtime objects (the coder, the security agent, the settings with their API key) live in the
run's context (`workflows/context.py`), never here: this state is checkpointed to disk.
"""

from __future__ import annotations

from typing import Literal, TypedDict

Status = Literal["running", "clean", "max_rounds", "stalled", "oscillating", "budget", "error"]
StopStatus = Literal["clean", "max_rounds", "stalled", "oscillating", "budget", "error"]
Mode = Literal["fix", "implement"]


class Limits(TypedDict):
    """When the loop gives up, fixed when the run starts so a resumed run keeps them."""

    max_rounds: int
    max_tokens: int | None
    max_cost: float | None


class UsageRecord(TypedDict):
    prompt_tokens: int
    completion_tokens: int
    cost: float


class TestRecord(TypedDict):
    """The target's own tests after a round."""

    command: str
    passed: bool
    exit_code: int | None  # None when killed at the timeout
    timed_out: bool
    seconds: float
    network_isolated: bool
    tail: str  # the end of the output, fed back to the coder when the tests fail


class RoundRecord(TypedDict, total=False):
    """One round: round 0 is the audit of the starting commit; round N the coder's N-th turn."""

    round: int
    commit: str | None  # the round's commit on the run's branch; None when the coder changed nothing
    files_changed: list[str]  # paths the round's commit changed
    coder_summary: str
    addressed: list[str]  # fingerprints the coder says it fixed
    needs_human: dict[str, str]  # fingerprint -> why the coder left it
    follow_ups: dict[str, str]  # fingerprint the coder fixed -> what a person must still do (rotate a secret)
    usage: UsageRecord  # tokens and cost spent by the coder and the reviewer this round
    test: TestRecord | None  # None when no test command is configured
    checklist: list[dict]  # the open findings after the round (Finding.model_dump(mode="json"))
    fixed: list[str]  # fingerprints open before the round and gone after it
    new: list[str]  # fingerprints that appeared during the round
    unparsed: list[str]  # files the audit could not parse after the round
    timings: dict[str, float]  # seconds spent in the coder, the tests and the audit


class LoopState(TypedDict, total=False):
    """A run of `cynic fix` or `cynic implement`, checkpointed after every step."""

    run_id: str  # also the checkpoint thread id and the branch name suffix
    mode: Mode  # fix: deterministic codemods; implement: the LLM coder
    request: str | None  # the feature asked for; None for `cynic fix`
    repo: str  # the target repository's top-level folder
    base_commit: str  # the commit the run started from
    branch: str  # cynic/<run_id>, the accepted result
    workspace: str  # the run's git worktree, under <repo>/.git/cynic/worktrees/
    test_cmd: str | None  # the target's own test command, run after every round
    limits: Limits
    started_at: str  # ISO 8601, UTC
    notes: list[str]  # what the user was told at the start (uncommitted changes not included...)
    round: int  # the last completed round (0 after the first audit)
    checklist: list[dict]  # the open findings now, worst first
    history: list[RoundRecord]  # one record per round, round 0 first
    seen_checklists: list[str]  # per round, a signature of its checklist's fingerprints
    status: Status
    error: str | None  # what went wrong when status is "error"


def checklist_signature(checklist: list[dict]) -> str:
    """The identity of a checklist: its sorted fingerprints (line moves do not change it)."""
    return " ".join(sorted(finding["fingerprint"] for finding in checklist))


def total_usage(state: LoopState) -> UsageRecord:
    """Everything the run's agents spent so far."""
    total = UsageRecord(prompt_tokens=0, completion_tokens=0, cost=0.0)
    for record in state.get("history", []):
        usage = record.get("usage")
        if usage:
            total["prompt_tokens"] += usage["prompt_tokens"]
            total["completion_tokens"] += usage["completion_tokens"]
            total["cost"] += usage["cost"]
    return total
