"""Routing: pure functions of the state. They decide; the nodes do."""

from __future__ import annotations

from typing import Literal

from cynic.workflows.state import LoopState, RoundRecord, StopStatus, total_usage


def route_after_code(state: LoopState) -> Literal["verify", "finish"]:
    """Test the round's commit, or stop when the coder failed or changed nothing."""
    last = _last_round(state)
    if state.get("error") or last.get("commit") is None:
        return "finish"
    if last["round"] == state["round"]:
        return "verify"
    raise ValueError(f"after coding, the last record is round {last['round']} but the state is at round {state['round']}")


def route_after_audit(state: LoopState) -> Literal["code", "finish"]:
    """Back to the coder with the checklist, or stop."""
    return "finish" if stop_reason(state) is not None else "code"


def stop_reason(state: LoopState) -> StopStatus | None:
    """Why the loop stops now, or None to go on. Checked in this order: error, a round that
    changed nothing (budget when the budget is spent, else stalled), clean, budget, stalled
    (fixed nothing), oscillating, max_rounds."""
    if state.get("error"):
        return "error"
    last = _last_round(state)
    if last["round"] > 0 and last.get("commit") is None:
        return "budget" if _over_budget(state) else "stalled"  # a coder stopped by the budget may have changed nothing
    if "checklist" not in last:
        raise ValueError(f"round {last['round']} has not been audited yet")
    if is_clean(state):
        return None if last["round"] == 0 and state.get("request") else "clean"
    if _over_budget(state):
        return "budget"
    if last["round"] > 0 and _fixed_nothing(state):
        return "stalled"
    if _seen_before(state):
        return "oscillating"
    if state["round"] >= state["limits"]["max_rounds"]:
        return "max_rounds"
    return None


def is_clean(state: LoopState) -> bool:
    """The checklist is empty, the tests (if any) pass and every file the audit could parse at
    the start still parses."""
    history = state["history"]
    last = history[-1]
    test = last.get("test")
    newly_unparsed = set(last.get("unparsed", [])) - set(history[0].get("unparsed", []))
    return not state["checklist"] and (test is None or test["passed"]) and not newly_unparsed


def _last_round(state: LoopState) -> RoundRecord:
    history = state.get("history") or []
    if not history:
        raise ValueError("the run has no rounds yet: route only after the first audit")
    return history[-1]


def _over_budget(state: LoopState) -> bool:
    limits, usage = state["limits"], total_usage(state)
    tokens = usage["prompt_tokens"] + usage["completion_tokens"]
    return (limits["max_tokens"] is not None and tokens >= limits["max_tokens"]) or (
        limits["max_cost"] is not None and usage["cost"] >= limits["max_cost"]
    )


def _fixed_nothing(state: LoopState) -> bool:
    """The round fixed no finding although there were some, and did not make the tests pass.
    An `implement` run's first round writes the feature, so it is not held to this."""
    history = state["history"]
    last, previous = history[-1], history[-2]
    if last["fixed"] or not previous["checklist"]:
        return False
    if state.get("request") and last["round"] == 1:
        return False
    before, after = previous.get("test"), last.get("test")
    tests_made_green = before is not None and not before["passed"] and after is not None and after["passed"]
    return not tests_made_green


def _seen_before(state: LoopState) -> bool:
    """The checklist is one an earlier round already had (not counting the round just before,
    which is the stalled case)."""
    seen = state["seen_checklists"]
    return seen[-1] in seen[:-2]
