"""The loop's steps. Each is thin: it asks an agent or the sandbox, and records the answer."""

from __future__ import annotations

import time
from pathlib import Path

from langgraph.runtime import Runtime

from cynic.agents.base import CodingOutcome, CodingTask, Usage
from cynic.agents.errors import LLMUnavailable
from cynic.models import Finding, to_json
from cynic.sandbox.base import SandboxError
from cynic.sandbox.runner import run_command
from cynic.sandbox.worktree import GitWorktree, find_target
from cynic.workflows.context import LoopContext
from cynic.workflows.edges import stop_reason
from cynic.workflows.history import write_history
from cynic.workflows.state import (
    LoopState,
    ReviewRecord,
    RoundRecord,
    TestRecord,
    UsageRecord,
    checklist_signature,
    total_usage,
)


def prepare(state: LoopState, runtime: Runtime[LoopContext]) -> LoopState:
    """Check out the run's branch in a fresh worktree (or reopen it after a crash)."""
    target = find_target(Path(state["repo"]))
    try:
        workspace = GitWorktree.open(target, state["run_id"])
    except SandboxError:
        workspace = GitWorktree.create(target, state["run_id"])
    runtime.context.report("prepared", {"state": state, "workspace": str(workspace.root), "branch": workspace.branch})
    return {
        "workspace": str(workspace.root),
        "branch": workspace.branch,
        "round": 0,
        "history": [],
        "checklist": [],
        "seen_checklists": [],
        "status": "running",
        "error": None,
    }


def code(state: LoopState, runtime: Runtime[LoopContext]) -> LoopState:
    """One coder turn on the checklist, committed as one commit on the run's branch."""
    context = runtime.context
    workspace = _workspace(state)
    number = state["round"] + 1
    workspace.reset_to(_last_commit(state))  # drop whatever an interrupted attempt left behind
    task = CodingTask(
        workspace=workspace.root,
        round=number,
        checklist=[Finding.from_json(item) for item in state["checklist"]],
        request=state.get("request"),
        test_output=_feedback(state),
        rulebook=context.rulebook,
        **_budget_left(state),
    )
    started = time.perf_counter()
    try:
        outcome = context.coder.code(task)
    except Exception as error:  # an agent's failure ends the run with status "error"; `cynic resume` retries
        return {"error": _failure(f"the coder ({context.coder.name}) failed in round {number}", error, state["run_id"])}
    coder_seconds = time.perf_counter() - started
    committed = workspace.commit_round(_commit_message(number, outcome, state["checklist"]))
    record = RoundRecord(
        round=number,
        commit=committed.sha if committed else None,
        files_changed=committed.files if committed else [],
        coder_summary=outcome.summary,
        addressed=outcome.addressed,
        needs_human=outcome.notes or {fp: "" for fp in outcome.needs_human},
        follow_ups=outcome.follow_ups,
        usage={"coder": _usage(outcome.usage)} if outcome.usage.total_tokens or outcome.usage.cost else {},  # codemods spend nothing
        refused=list(outcome.refused),
        timings={"coder": coder_seconds},
    )
    context.report("coded", {"state": state, "record": record})
    return {"round": number, "history": [*state["history"], record]}


def verify(state: LoopState, runtime: Runtime[LoopContext]) -> LoopState:
    """Run the target's own tests in the workspace, when a test command is configured."""
    command = state.get("test_cmd")
    record = dict(state["history"][-1])
    if not command:
        record["test"] = None
    else:
        result = run_command(command, Path(state["workspace"]), runtime.context.test_limits)
        record["test"] = TestRecord(
            command=command,
            passed=result.passed,
            exit_code=result.exit_code,
            timed_out=result.timed_out,
            seconds=round(result.seconds, 3),
            network_isolated=result.network_isolated,
            tail=result.tail(),
        )
        record["timings"] = {**record.get("timings", {}), "tests": result.seconds}
    runtime.context.report("verified", {"state": state, "record": record})
    return {"history": [*state["history"][:-1], record]}


def audit(state: LoopState, runtime: Runtime[LoopContext]) -> LoopState:
    """The security agent's turn: audit the workspace and judge everything the run changed."""
    context = runtime.context
    workspace = _workspace(state)
    started = time.perf_counter()
    analysed = 0

    def files_analysed(count: int, total: int) -> None:
        nonlocal analysed
        analysed += count
        context.report("auditing", {"state": state, "analysed": analysed, "total": total})

    try:
        diff = workspace.changes_since(state["base_commit"], protected=context.protected)
        verdict = context.security.inspect(workspace.root, diff, files_analysed)
    except Exception as error:  # a reviewer or audit failure ends the run with status "error"; `cynic resume` retries
        return {"error": _failure(f"the security agent failed after round {state['round']}", error, state["run_id"])}
    checklist = [to_json(finding) for finding in verdict.findings]
    before = {item["fingerprint"] for item in state["checklist"]}
    after = {item["fingerprint"] for item in checklist}
    history = list(state["history"])
    record = dict(history.pop()) if state["round"] > 0 else RoundRecord(round=0, commit=state["base_commit"], files_changed=[], test=None)
    usage = dict(record.get("usage", {}))
    review: ReviewRecord | None = None
    if verdict.review is not None:
        usage["reviewer"] = _usage(verdict.review.usage)
        review = ReviewRecord(files_read=verdict.review.files_read, files_not_read=verdict.review.files_not_read,
                              dropped=verdict.review.dropped)
    record.update(
        checklist=checklist,
        fixed=sorted(before - after),
        new=sorted(after - before) if state["round"] > 0 else [],
        unparsed=verdict.unparsed,
        usage=usage,
        review=review,
        timings={**record.get("timings", {}), "audit": time.perf_counter() - started},
    )
    update: LoopState = {
        "checklist": checklist,
        "history": [*history, record],
        "seen_checklists": [*state["seen_checklists"], checklist_signature(checklist)],
    }
    write_history(context.runs_dir, {**state, **update}, latest_only=True)
    context.report("audited", {"state": {**state, **update}, "record": record})
    return update


def finish(state: LoopState, runtime: Runtime[LoopContext]) -> LoopState:
    """Record why the loop stopped, and free the worktree (the branch keeps the result); after an
    error the worktree stays, so that `cynic resume` can retry the step that failed."""
    status = stop_reason(state)
    if status is None:
        raise ValueError("finish was reached while the loop had a reason to go on")
    if status != "error" and state.get("workspace") and Path(state["workspace"]).exists():
        _workspace(state).remove()
    final = {**state, "status": status}
    write_history(runtime.context.runs_dir, final)
    runtime.context.report("finished", {"state": final})
    return {"status": status}


def _workspace(state: LoopState) -> GitWorktree:
    return GitWorktree(Path(state["workspace"]), state["branch"])


def _last_commit(state: LoopState) -> str:
    commits = [record["commit"] for record in state["history"] if record.get("commit")]
    return commits[-1] if commits else state["base_commit"]


def _feedback(state: LoopState) -> str | None:
    """What went wrong after the previous round besides the checklist: failing tests, files
    that no longer parse."""
    if not state["history"]:
        return None
    history = state["history"]
    last = history[-1]
    parts = []
    test = last.get("test")
    if test is not None and not test["passed"]:
        parts.append(f"The tests failed (`{test['command']}`, exit code {test['exit_code']}):\n{test['tail']}")
    broken = sorted(set(last.get("unparsed", [])) - set(history[0].get("unparsed", [])))
    if broken:
        parts.append("These files no longer parse, so they cannot be audited: " + ", ".join(broken))
    return "\n\n".join(parts) or None


def _commit_message(number: int, outcome: CodingOutcome, checklist: list[dict]) -> str:
    by_fingerprint = {item["fingerprint"]: item for item in checklist}
    addressed = [by_fingerprint[fp] for fp in outcome.addressed if fp in by_fingerprint]
    lines = [f"cynic round {number}: {outcome.summary}"[:200], ""]
    if addressed:
        lines.append("Addresses:")
        lines.extend(f"- {f['rule']} {f['name']} at {f['path']}:{f['line']}" for f in addressed)
    else:
        lines.append("Addresses no finding of the checklist by the coder's account.")
    if outcome.follow_ups:
        lines.extend(["", "Still to do by hand:"])
        lines.extend(f"- {note}" for note in outcome.follow_ups.values())
    return "\n".join(lines) + "\n"


def _usage(usage: Usage) -> UsageRecord:
    return UsageRecord(prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens, cost=usage.cost)


def _budget_left(state: LoopState) -> dict[str, float | int | None]:
    """What the run's token and cost budgets leave for the next round (None where there is no budget)."""
    limits, spent = state["limits"], total_usage(state)
    tokens = limits["max_tokens"]
    cost = limits["max_cost"]
    return {
        "max_tokens": None if tokens is None else max(0, tokens - spent["prompt_tokens"] - spent["completion_tokens"]),
        "max_cost": None if cost is None else max(0.0, cost - spent["cost"]),
    }


def _failure(step: str, error: Exception, run_id: str) -> str:
    """What stopped the run, and how to continue it."""
    if isinstance(error, LLMUnavailable):
        return (f"{step}: the model endpoint {error.endpoint} is unavailable ({error.problem}). Everything done so far "
                f"is saved; `cynic resume {run_id}` continues once the endpoint is back.")
    return f"{step}: {error}. Fix the cause, then `cynic resume {run_id}` retries this step."
