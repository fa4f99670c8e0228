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


class ReviewRecord(TypedDict):
    """What the LLM reviewer looked at after a round: a file it did not read was not reviewed."""

    files_read: list[str]
    files_not_read: list[str]  # changed files over the reviewer's budget, or unreadable
    dropped: int  # findings discarded because their evidence was not at the place they named


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
    usage: dict[str, UsageRecord]  # per agent ("coder", "reviewer"): tokens and cost spent this round
    refused: list[str]  # the coder's tool calls refused for naming a path outside the workspace
    review: ReviewRecord | None  # None when no LLM reviewer looked at the round
    test: TestRecord | None  # None when no test command is configured
    checklist: list[dict]  # the open findings after the round (`to_json` of each Finding)
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
    llm_review: bool  # an LLM reviewer joins the security agent (kept so a resumed run has the same crew)
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


def no_usage() -> UsageRecord:
    return UsageRecord(prompt_tokens=0, completion_tokens=0, cost=0.0)


def add_usage(total: UsageRecord, more: UsageRecord) -> UsageRecord:
    """The sum of two usages, as a new record."""
    return UsageRecord(
        prompt_tokens=total["prompt_tokens"] + more["prompt_tokens"],
        completion_tokens=total["completion_tokens"] + more["completion_tokens"],
        cost=total["cost"] + more["cost"],
    )


def usage_by_agent(state: LoopState) -> dict[str, UsageRecord]:
    """What each agent spent over the whole run, for the agents that spent anything."""
    totals: dict[str, UsageRecord] = {}
    for record in state.get("history", []):
        for agent, usage in record.get("usage", {}).items():
            totals[agent] = add_usage(totals.get(agent, no_usage()), usage)
    return totals


def total_usage(state: LoopState) -> UsageRecord:
    """Everything the run's agents spent so far."""
    total = no_usage()
    for usage in usage_by_agent(state).values():
        total = add_usage(total, usage)
    return total
