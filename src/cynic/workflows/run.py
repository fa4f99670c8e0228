"""Start, resume, list and load runs. A run is a LangGraph thread (thread id = run id) whose
every step is checkpointed in `<state dir>/runs.sqlite`, so an interrupted run resumes from its
last completed step."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cynic.agents.base import Coder
from cynic.agents.security import SecurityAgent
from cynic.sandbox.runner import Limits as TestLimits
from cynic.sandbox.worktree import Target
from cynic.workflows.context import LoopContext, Reporter
from cynic.workflows.state import Limits, LoopState, Mode

DATABASE = "runs.sqlite"


@dataclass
class Crew:
    """The agents of one run and what they are told."""

    coder: Coder
    security: SecurityAgent
    rulebook: str = ""
    protected: frozenset[str] = frozenset()  # workspace paths the coder must never edit
    test_limits: TestLimits = TestLimits()


def new_run_id() -> str:
    """Sortable and readable: 20250131-142501-3fa2."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


def start_run(
    target: Target,
    state_dir: Path,
    crew: Crew,
    *,
    mode: Mode,
    request: str | None,
    test_cmd: str | None,
    limits: Limits,
    report: Reporter | None = None,
    run_id: str | None = None,
    llm_review: bool = False,
) -> LoopState:
    """Run the loop from the target's HEAD to a stop status; `llm_review` says whether the crew's
    security agent has an LLM reviewer, so that a resumed run gets the same crew."""
    initial = LoopState(
        run_id=run_id or new_run_id(),
        mode=mode,
        request=request,
        repo=str(target.root),
        base_commit=target.head,
        test_cmd=test_cmd,
        llm_review=llm_review,
        limits=limits,
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        notes=list(target.notes),
    )
    return _drive(state_dir, initial["run_id"], initial, limits["max_rounds"], crew, report)


def resume_run(state_dir: Path, state: LoopState, crew: Crew, report: Reporter | None = None) -> LoopState:
    """Continue an interrupted run from its last completed step; a run stopped by an error (an
    endpoint that was down) retries the step that failed, keeping every round done before it."""
    return _drive(state_dir, state["run_id"], None, state["limits"]["max_rounds"], crew, report)


def _retried_after(state: LoopState) -> str:
    """The step after which a run that stopped on an error goes on: the one before the step that failed."""
    history = state.get("history", [])
    if not history:
        return "prepare"  # the first audit failed
    return "audit" if "checklist" in history[-1] else "verify"  # the coder failed, else the security agent


def load_run(state_dir: Path, run_id: str) -> LoopState | None:
    """The run's latest checkpointed state, or None when there is no such run."""
    if not (state_dir / DATABASE).is_file():
        return None
    with _checkpointer(state_dir) as saver:
        found = saver.get_tuple({"configurable": {"thread_id": run_id}})
    return dict(found.checkpoint["channel_values"]) if found else None  # type: ignore[return-value]


def list_runs(state_dir: Path) -> list[LoopState]:
    """Every run's latest state, newest first."""
    if not (state_dir / DATABASE).is_file():
        return []
    latest: dict[str, LoopState] = {}
    with _checkpointer(state_dir) as saver:
        for found in saver.list(None):
            thread = found.config["configurable"]["thread_id"]
            values = found.checkpoint["channel_values"]
            if thread not in latest and "run_id" in values:
                latest[thread] = dict(values)  # type: ignore[assignment]
    return sorted(latest.values(), key=lambda state: state["started_at"], reverse=True)


def _drive(
    state_dir: Path, run_id: str, initial: LoopState | None, max_rounds: int, crew: Crew, report: Reporter | None
) -> LoopState:
    from cynic.workflows.graph import build_graph

    context = LoopContext(
        coder=crew.coder,
        security=crew.security,
        runs_dir=state_dir / "runs",
        rulebook=crew.rulebook,
        protected=crew.protected,
        test_limits=crew.test_limits,
        **({"report": report} if report else {}),
    )
    config: dict[str, Any] = {
        "configurable": {"thread_id": run_id},
        "recursion_limit": 8 + 4 * max_rounds,  # prepare, audit, finish + code, verify, audit per round
    }
    with _checkpointer(state_dir) as saver:
        graph = build_graph(saver)
        if initial is None:
            stopped: LoopState = graph.get_state(config).values
            if stopped.get("status") == "error":
                graph.update_state(config, {"status": "running", "error": None}, as_node=_retried_after(stopped))
        graph.invoke(initial, config, context=context, durability="sync")
        return dict(graph.get_state(config).values)  # type: ignore[return-value]


@contextmanager
def _checkpointer(state_dir: Path) -> Iterator[Any]:
    from langgraph.checkpoint.sqlite import SqliteSaver

    state_dir.mkdir(parents=True, exist_ok=True)
    with SqliteSaver.from_conn_string(str(state_dir / DATABASE)) as saver:
        yield saver
