"""A run's history on disk for people: `run.json` and one `round-N.md` checklist per round,
under `<state dir>/runs/<run-id>/`. These are exports, rewritten from the checkpointed state;
the checkpoint database stays the one source of truth."""

from __future__ import annotations

import json
from pathlib import Path

from cynic.workflows.state import LoopState, total_usage, usage_by_agent


def run_summary(state: LoopState) -> dict:
    """The facts a list of runs shows, and `run.json` holds."""
    history = state.get("history", [])
    return {
        "run_id": state["run_id"],
        "mode": state["mode"],
        "request": state.get("request"),
        "status": state.get("status", "running"),
        "error": state.get("error"),
        "repo": state["repo"],
        "branch": state.get("branch", f"cynic/{state['run_id']}"),
        "base_commit": state["base_commit"],
        "started_at": state["started_at"],
        "rounds": max((record["round"] for record in history), default=0),
        "open_findings": len(state.get("checklist", [])),
        "usage": total_usage(state),
        "usage_by_agent": usage_by_agent(state),
        "history": [
            {
                "round": record["round"],
                "commit": record.get("commit"),
                "files_changed": record.get("files_changed", []),
                "fixed": len(record.get("fixed", [])),
                "new": len(record.get("new", [])),
                "remaining": len(record.get("checklist", [])),
                "tests": _test_word(record.get("test")),
                "usage": record.get("usage", {}),
                "refused_tool_calls": len(record.get("refused", [])),
                "review": record.get("review"),
            }
            for record in history
        ],
    }


def write_history(runs_dir: Path, state: LoopState, *, latest_only: bool = False) -> Path:
    """Write the run's folder from `state`: `run.json` and the rounds' checklists (only the last
    round's with `latest_only`, after each audit); returns the folder."""
    from cynic.reports.markdown import environment

    folder = runs_dir / state["run_id"]
    folder.mkdir(parents=True, exist_ok=True)
    template = environment().get_template("round.md.j2")
    history = state.get("history", [])
    for record in history[-1:] if latest_only else history:
        if "checklist" in record:
            (folder / f"round-{record['round']}.md").write_text(template.render(state=state, record=record), encoding="utf-8")
    (folder / "run.json").write_text(json.dumps(run_summary(state), indent=2) + "\n", encoding="utf-8")
    return folder


def _test_word(test: dict | None) -> str:
    if test is None:
        return "not run"
    if test["passed"]:
        return "passed"
    return "timed out" if test["timed_out"] else f"failed ({test['exit_code']})"
