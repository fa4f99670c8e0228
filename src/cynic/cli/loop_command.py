"""`cynic fix`, `cynic implement`, `cynic runs`, `cynic show`, `cynic resume`, `cynic demo`:
the loop, where a coder and the security agent take turns until the checklist is empty.

Exit codes: 0 clean; 1 stopped with work left (max_rounds, stalled, oscillating, budget);
2 usage error; 3 the run stopped on an error; 130 interrupted (resume it with `cynic resume`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cynic.cli._common import EXIT_CLEAN, EXIT_FINDINGS, fail

if TYPE_CHECKING:
    from cynic.config import Settings
    from cynic.workflows.run import Crew

EXIT_ERROR = 3
EXIT_INTERRUPTED = 130
EXIT_BY_STATUS = {"clean": EXIT_CLEAN, "max_rounds": EXIT_FINDINGS, "stalled": EXIT_FINDINGS,
                  "oscillating": EXIT_FINDINGS, "budget": EXIT_FINDINGS, "error": EXIT_ERROR}
LLM_HINT = (
    "no LLM is configured. Set CYNIC_MODEL and OPENAI_BASE_URL (a local OpenAI-compatible server) or "
    "OPENAI_API_KEY, or pass --model and --base-url. Without an LLM, `cynic fix` clears what the "
    "deterministic fixers can."
)

PATH_ARG = typer.Argument(Path("."), help="A folder inside the git repository to work on.")
MAX_ROUNDS = typer.Option(None, "--max-rounds", min=0, help="Stop after this many coder rounds (default 5).")
TEST_CMD = typer.Option(None, "--test-cmd", help="The project's own test command, run in the sandbox after every round.")
RULEBOOK = typer.Option(None, "--rulebook", help="The rulebook file the agents follow; the coder may never edit it.")
MAX_TOKENS = typer.Option(None, "--max-tokens", min=1, help="Stop when the agents have used this many tokens.")
MAX_COST = typer.Option(None, "--max-cost", min=0.0, help="Stop when the agents have spent this much (in the provider's currency).")
QUIET = typer.Option(False, "--quiet", "-q", help="Plain output: one line per step, no per-round checklists.")


def fix(
    path: Path = PATH_ARG,
    max_rounds: int | None = MAX_ROUNDS,
    test_cmd: str | None = TEST_CMD,
    rulebook: Path | None = RULEBOOK,
    max_tokens: int | None = MAX_TOKENS,
    max_cost: float | None = MAX_COST,
    quiet: bool = QUIET,
) -> None:
    """Clear the checklist with the deterministic fixers (no LLM), on a new branch cynic/<run-id>.

    Exit codes: 0 clean, 1 stopped with findings left, 2 usage error, 3 error, 130 interrupted.
    """
    target, settings = _target_and_settings(path, max_rounds=max_rounds, test_cmd=test_cmd, rulebook=_absolute(rulebook),
                                            max_tokens=max_tokens, max_cost=max_cost)
    _finish(*_start(target, settings, _crew("fix", settings, target.root), mode="fix", request=None, quiet=quiet))


def implement(
    prompt: str = typer.Argument(..., help="The feature to build, in plain words."),
    path: Path = PATH_ARG,
    model: str | None = typer.Option(None, "--model", help="The LLM model (default: CYNIC_MODEL)."),
    base_url: str | None = typer.Option(None, "--base-url", help="An OpenAI-compatible endpoint (default: OPENAI_BASE_URL)."),
    max_rounds: int | None = MAX_ROUNDS,
    test_cmd: str | None = TEST_CMD,
    rulebook: Path | None = RULEBOOK,
    max_tokens: int | None = MAX_TOKENS,
    max_cost: float | None = MAX_COST,
    quiet: bool = QUIET,
) -> None:
    """Build a feature with the LLM coder until the security checklist is empty, on a new branch.

    Exit codes: 0 clean, 1 stopped with findings left, 2 usage error, 3 error, 130 interrupted.
    """
    target, settings = _target_and_settings(path, model=model, base_url=base_url, max_rounds=max_rounds, test_cmd=test_cmd,
                                            rulebook=_absolute(rulebook), max_tokens=max_tokens, max_cost=max_cost)
    if not settings.llm_configured:
        fail(LLM_HINT)
    _finish(*_start(target, settings, _crew("implement", settings, target.root), mode="implement", request=prompt, quiet=quiet))


def runs(path: Path = PATH_ARG) -> None:
    """List the runs of this repository: id, status, rounds, open findings, start, request."""
    from cynic.workflows.run import list_runs

    target, settings = _target_and_settings(path)
    found = list_runs(_state_dir(target, settings))
    if not found:
        typer.echo("no runs yet: start one with `cynic fix` or `cynic implement`.")
        return
    typer.echo(f"{'RUN':<22} {'STATUS':<12} {'ROUNDS':>6} {'OPEN':>5}  {'STARTED':<25} REQUEST")
    for state in found:
        request = state.get("request") or "(fix)"
        typer.echo(f"{state['run_id']:<22} {state.get('status', 'running'):<12} {state.get('round', 0):>6} "
                   f"{len(state.get('checklist', [])):>5}  {state['started_at']:<25} {request[:60]}")


def show(run_id: str = typer.Argument(..., help="The run id, as listed by `cynic runs`."), path: Path = PATH_ARG) -> None:
    """Print each round of a run: its checklist, commit, files, tests, fixed / new / remaining."""
    from cynic.cli._loop_output import LoopPrinter

    target, settings = _target_and_settings(path)
    state = _load(target, settings, run_id)
    printer = LoopPrinter()
    printer.line(f"run {state['run_id']} ({state['mode']}) from {state['base_commit'][:12]}, started {state['started_at']}", style="bold")
    if state.get("request"):
        printer.line(f"request: {state['request']}")
    for record in state.get("history", []):
        if record["round"] > 0:
            commit = record["commit"][:12] if record.get("commit") else "none"
            printer.line(f"round {record['round']}: commit {commit}; files: {', '.join(record.get('files_changed', [])) or 'none'}")
            printer.line(f"round {record['round']}: coder: {record.get('coder_summary', '')}")
            printer.follow_ups(record)
            test = record.get("test")
            if test is not None:
                printer.line(f"round {record['round']}: tests {'passed' if test['passed'] else 'failed'} ({test['command']})")
        if "checklist" in record:
            printer.round_summary(record)
    printer.final(state, EXIT_BY_STATUS.get(state.get("status", ""), EXIT_INTERRUPTED))
    typer.echo(f"history: {_state_dir(target, settings) / 'runs' / run_id}")


def resume(
    run_id: str = typer.Argument(..., help="The run id, as listed by `cynic runs`."),
    path: Path = PATH_ARG,
    quiet: bool = QUIET,
) -> None:
    """Continue an interrupted run (Ctrl-C, a killed process, a crash) from its last completed step."""
    from cynic.cli._loop_output import LoopPrinter
    from cynic.workflows.run import resume_run

    target, settings = _target_and_settings(path)
    state = _load(target, settings, run_id)
    printer = LoopPrinter(quiet=quiet)
    if state.get("status", "running") != "running":
        printer.line(f"run {run_id} already finished.")
        _finish(printer, state)
    printer.line(f"resuming run {run_id} after round {state.get('round', 0)}")
    crew = _crew(state["mode"], settings, target.root)
    _finish(printer, _guarded(lambda: resume_run(_state_dir(target, settings), state, crew, printer), run_id))


def demo(quiet: bool = QUIET) -> None:
    """Run `cynic fix` on a temporary copy of the bundled vulnerable notes app, round by round."""
    import git

    from cynic.cli._demo import prepare_demo_repository

    repo = prepare_demo_repository()
    typer.echo(f"demo repository: {repo}")
    target, settings = _target_and_settings(repo)
    printer, state = _start(target, settings, _crew("fix", settings, target.root), mode="fix", request=None, quiet=quiet)
    code = EXIT_BY_STATUS[state["status"]]
    printer.final(state, code)
    typer.echo(f"\ngit log --oneline {state['branch']}:")
    typer.echo(git.Repo(repo).git.log("--oneline", state["branch"]))
    raise typer.Exit(code)


def _start(target: Any, settings: Settings, crew: Crew, *, mode: str, request: str | None, quiet: bool) -> tuple[Any, dict[str, Any]]:
    """Run the loop to a stop status, reporting each step; (the printer, the final state)."""
    from cynic.cli._loop_output import LoopPrinter
    from cynic.workflows.run import new_run_id, start_run

    printer = LoopPrinter(quiet=quiet)
    run_id = new_run_id()
    limits = {"max_rounds": settings.max_rounds, "max_tokens": settings.max_tokens, "max_cost": settings.max_cost}
    state = _guarded(
        lambda: start_run(target, _state_dir(target, settings), crew, mode=mode, request=request,  # type: ignore[arg-type]
                          test_cmd=settings.test_cmd, limits=limits, report=printer, run_id=run_id),  # type: ignore[arg-type]
        run_id,
    )
    return printer, state


def _guarded(work: Any, run_id: str) -> Any:
    """Run `work`; an interruption or an unexpected failure leaves the run resumable and says so."""
    try:
        return work()
    except KeyboardInterrupt:
        fail(f"interrupted. Nothing is lost: continue with `cynic resume {run_id}`.", EXIT_INTERRUPTED)
    except Exception as error:  # the CLI never shows a traceback; the run stays resumable
        fail(f"run {run_id} stopped: {type(error).__name__}: {error}. Fix the cause, then `cynic resume {run_id}`.", EXIT_ERROR)


def _finish(printer: Any, state: dict[str, Any]) -> None:
    code = EXIT_BY_STATUS.get(state.get("status", ""), EXIT_ERROR)
    printer.final(state, code)
    raise typer.Exit(code)


def _target_and_settings(path: Path, **flags: Any) -> tuple[Any, Settings]:
    from cynic.config import ConfigError, load_settings
    from cynic.sandbox.base import SandboxError
    from cynic.sandbox.worktree import find_target

    try:
        target = find_target(path)
        return target, load_settings(target.root, **flags)
    except (SandboxError, ConfigError) as error:
        fail(str(error))


def _absolute(path: Path | None) -> Path | None:
    """A command-line path is relative to where the command runs, not to the repository."""
    return path.resolve() if path is not None else None


def _state_dir(target: Any, settings: Settings) -> Path:
    if settings.state_dir is None:
        return target.state_dir
    return settings.state_dir if settings.state_dir.is_absolute() else target.root / settings.state_dir


def _load(target: Any, settings: Settings, run_id: str) -> dict[str, Any]:
    from cynic.workflows.run import load_run

    state = load_run(_state_dir(target, settings), run_id)
    if state is None:
        fail(f"no run {run_id!r} in {target.root}. List the runs with `cynic runs`.")
    return state


def _crew(mode: str, settings: Settings, root: Path) -> Crew:
    """The agents for `mode`: deterministic fixers for fix, the LLM coder and reviewer for implement."""
    from cynic.agents.security import SecurityAgent
    from cynic.sandbox.runner import Limits
    from cynic.workflows.run import Crew

    rulebook_text, protected = _rulebook(settings, root)
    limits = Limits(timeout=settings.test_timeout)
    if mode == "fix":
        from cynic.agents.deterministic import DeterministicCoder

        return Crew(DeterministicCoder(), SecurityAgent(rulebook=rulebook_text), rulebook_text, protected, limits)
    if not settings.llm_configured:
        fail(LLM_HINT)
    from cynic.agents.llm_coder import LLMCoder
    from cynic.agents.reviewer import LLMReviewer

    reviewer = LLMReviewer.from_settings(settings)
    return Crew(LLMCoder.from_settings(settings), SecurityAgent(reviewer, rulebook=rulebook_text), rulebook_text, protected, limits)


def _rulebook(settings: Settings, root: Path) -> tuple[str, frozenset[str]]:
    """The rulebook's text, and its path inside the repository (which the coder may not edit)."""
    if settings.rulebook is None:
        return "", frozenset()
    path = settings.rulebook if settings.rulebook.is_absolute() else root / settings.rulebook
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        fail(f"cannot read the rulebook {path}: {error.strerror or error}. Give a readable file with --rulebook.")
    resolved = path.resolve()
    return text, frozenset({resolved.relative_to(root).as_posix()} if resolved.is_relative_to(root) else ())
