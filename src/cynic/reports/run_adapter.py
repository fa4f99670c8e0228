"""The one place that knows how the loop stores a run: the LangGraph checkpoint
`<state dir>/runs.sqlite` (thread id = run id; its values are the loop's `LoopState`) next to the
`runs/<run id>/run.json` export, under `<git common dir>/cynic` by default.

`run.json` only holds counts per round, so the view is built from the checkpointed state, which
has every round's checklist and fingerprints. When the loop's format moves, only this module moves.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from cynic.models import Finding
from cynic.reports.run_view import AgentUsage, Coverage, FindingView, ReviewCoverage, RoundView, RunView, TestResult, sort_findings
from cynic.reports.source_context import RunRepository, snippet_from_text

DATABASE = "runs.sqlite"
AGENT_NAMES = {"coder": "coder", "reviewer": "security agent (LLM reviewer)"}  # the loop's usage keys, as shown


class RunNotFound(Exception):
    """No such run, or no run history where it was looked for."""


def find_state_dir(repo_or_state_dir: Path) -> Path:
    """`repo_or_state_dir` itself when it holds the checkpoint, else `<git common dir>/cynic`."""
    if (repo_or_state_dir / DATABASE).is_file():
        return repo_or_state_dir
    import git

    try:
        repo = git.Repo(repo_or_state_dir, search_parent_directories=True)
    except (git.exc.InvalidGitRepositoryError, git.exc.NoSuchPathError):
        raise RunNotFound(f"{repo_or_state_dir} is not inside a git repository and holds no {DATABASE}. "
                          "Give the repository the run worked on, or its state folder.") from None
    return Path(repo.common_dir).resolve() / "cynic"


def load_state(state_dir: Path, run_id: str) -> dict[str, Any]:
    """The run's latest checkpointed state."""
    database = state_dir / DATABASE
    if not database.is_file():
        raise RunNotFound(f"no run history in {state_dir}. Start a run with `cynic fix` or `cynic implement`.")
    from langgraph.checkpoint.sqlite import SqliteSaver

    with SqliteSaver.from_conn_string(str(database)) as saver:
        found = saver.get_tuple({"configurable": {"thread_id": run_id}})
    if found is None or "run_id" not in found.checkpoint["channel_values"]:
        raise RunNotFound(f"no run {run_id!r} in {state_dir}. List the runs with `cynic runs`.")
    return dict(found.checkpoint["channel_values"])


def load_run_view(repo_or_state_dir: Path, run_id: str) -> RunView:
    """The report's view of run `run_id`, diffs and code read from the run's commits."""
    state = load_state(find_state_dir(repo_or_state_dir), run_id)
    return view_from_state(state, RunRepository(Path(state["repo"])))


def load_waived_run_view(repo_or_state_dir: Path, run_id: str, today: date) -> RunView:
    """`load_run_view` with the waivers of the run's repository (`.cynic/waivers.json`) applied.
    Raises `PolicyError` when the waivers file is unreadable."""
    from cynic.policy import load_waivers

    view = load_run_view(repo_or_state_dir, run_id)
    return view.apply_waivers(load_waivers(Path(view.root)), today)


def view_from_state(state: dict[str, Any], repository: RunRepository) -> RunView:
    history = sorted(state.get("history", []), key=lambda record: record["round"])
    rounds, seen_at = _rounds(history, repository)
    findings = _findings(history, state.get("checklist", []), rounds, seen_at, repository)
    usage: dict[str, AgentUsage] = {}
    for round_ in rounds:
        for agent, spent in round_.usage.items():
            usage[agent] = usage.get(agent, AgentUsage()) + spent
    last = history[-1] if history else {}
    return RunView(
        title=f"cynic {state.get('mode', 'run')} run {state['run_id']}",
        run_id=state["run_id"],
        mode=state.get("mode"),
        request=state.get("request"),
        status=state.get("status", "running"),
        error=state.get("error"),
        root=state["repo"],
        branch=state.get("branch"),
        base_commit=state.get("base_commit"),
        started_at=state.get("started_at"),
        rounds=rounds,
        findings=findings,
        coverage=Coverage(skipped=[{"path": path, "reason": "could not be parsed", "incomplete": True}
                                   for path in last.get("unparsed", [])]),
        usage=usage,
    )


def _rounds(history: list[dict[str, Any]], repository: RunRepository) -> tuple[list[RoundView], dict[str, str | None]]:
    """The rounds, and for each fingerprint the last commit at which it was open."""
    rounds: list[RoundView] = []
    ever_open: set[str] = set()
    seen_at: dict[str, str | None] = {}
    head: str | None = None
    for record in history:
        head = record.get("commit") or head
        open_now = [item["fingerprint"] for item in record.get("checklist", [])]
        appeared = open_now if record["round"] == 0 else record.get("new", [])
        diff = repository.diff(record.get("commit")) if record["round"] > 0 else None
        rounds.append(RoundView(
            number=record["round"],
            commit=record.get("commit"),
            files_changed=record.get("files_changed", []),
            diff=diff[0] if diff else None,
            diff_truncated=bool(diff and diff[1]),
            coder_summary=record.get("coder_summary", ""),
            opened=[fp for fp in appeared if fp not in ever_open],
            reopened=[fp for fp in appeared if fp in ever_open],
            fixed=list(record.get("fixed", [])),
            open_after=len(open_now),
            test=_test(record.get("test")),
            unparsed=record.get("unparsed", []),
            follow_ups=list(record.get("follow_ups", {}).values()),
            **_agent_activity(record),
        ))
        ever_open.update(open_now)
        seen_at.update({fp: head for fp in open_now})
    return rounds, seen_at


def agent_activity_view(record: dict[str, Any]) -> RoundView:
    """A round record's agent activity alone (usage, refused tool calls, what the LLM reviewer
    read), for the live output of a run that is still going."""
    return RoundView(number=record["round"], **_agent_activity(record))


def _agent_activity(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "usage": {AGENT_NAMES.get(agent, agent): AgentUsage(**spent) for agent, spent in record.get("usage", {}).items()},
        "refused": record.get("refused", []),
        "review": ReviewCoverage(**record["review"]) if record.get("review") else None,
    }


def _findings(history: list[dict[str, Any]], final: list[dict[str, Any]], rounds: list[RoundView],
              seen_at: dict[str, str | None], repository: RunRepository) -> list[FindingView]:
    """Every finding the run saw: open ones as they are now, fixed ones as last seen."""
    latest: dict[str, dict[str, Any]] = {}
    for record in history:
        latest.update({item["fingerprint"]: item for item in record.get("checklist", [])})
    open_now = {item["fingerprint"] for item in final}
    latest.update({item["fingerprint"]: item for item in final})
    views = []
    for fingerprint, item in latest.items():
        finding = Finding.from_json(item)
        text = repository.read(seen_at.get(fingerprint), finding.path)
        views.append(FindingView(
            finding=finding,
            status="open" if fingerprint in open_now else "fixed",
            opened_round=next((r.number for r in rounds if fingerprint in r.opened), None),
            fixed_round=None if fingerprint in open_now else _last_round(rounds, fingerprint, "fixed"),
            reopened=any(fingerprint in r.reopened for r in rounds),
            snippet=snippet_from_text(text, finding) if text is not None else None,
        ))
    return sort_findings(views)


def _last_round(rounds: list[RoundView], fingerprint: str, field: str) -> int | None:
    return next((r.number for r in reversed(rounds) if fingerprint in getattr(r, field)), None)


def _test(record: dict[str, Any] | None) -> TestResult | None:
    if record is None:
        return None
    return TestResult(**{key: record[key] for key in TestResult.model_fields if key in record})
