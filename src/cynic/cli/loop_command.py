"""`cynic fix`, `cynic implement`, `cynic runs`, `cynic show`, `cynic resume`, `cynic demo`:
the loop, where a coder and the security agent take turns until the checklist is empty.

Exit codes: 0 clean; 1 stopped with work left (max_rounds, stalled, oscillating, budget);
2 usage error; 3 the run stopped on an error; 130 interrupted (resume it with `cynic resume`).
"""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cynic.cli._common import EXIT_CLEAN, EXIT_FINDINGS, fail

if TYPE_CHECKING:
    from cynic.config import Settings
    from cynic.policy import Policy
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
MODEL = typer.Option(None, "--model", help="The LLM model (default: CYNIC_MODEL).")
BASE_URL = typer.Option(None, "--base-url", help="An OpenAI-compatible endpoint (default: OPENAI_BASE_URL).")
NO_LLM_REVIEW = typer.Option(False, "--no-llm-review", help="The security agent runs the deterministic rules only, no LLM reviewer.")


def fix(
    path: Path = PATH_ARG,
    max_rounds: int | None = MAX_ROUNDS,
    test_cmd: str | None = TEST_CMD,
    rulebook: Path | None = RULEBOOK,
    max_tokens: int | None = MAX_TOKENS,
    max_cost: float | None = MAX_COST,
    no_llm_review: bool = NO_LLM_REVIEW,
    quiet: bool = QUIET,
) -> None:
    """Clear the checklist with the deterministic fixers (no LLM coder), on a new branch cynic/<run-id>.

    When an LLM is configured (CYNIC_MODEL with OPENAI_BASE_URL or OPENAI_API_KEY, or .cynic.toml),
    the LLM reviewer joins the security agent unless --no-llm-review.

    Exit codes: 0 clean, 1 stopped with findings left, 2 usage error, 3 error, 130 interrupted.
    """
    target, settings = _target_and_settings(path, max_rounds=max_rounds, test_cmd=test_cmd, rulebook=_absolute(rulebook),
                                            max_tokens=max_tokens, max_cost=max_cost)
    llm_review = settings.llm_configured and not no_llm_review
    _finish(*_start(target, settings, mode="fix", request=None, llm_review=llm_review, quiet=quiet))


def implement(
    prompt: str = typer.Argument(..., help="The feature to build, in plain words."),
    path: Path = PATH_ARG,
    model: str | None = MODEL,
    base_url: str | None = BASE_URL,
    replay: Path | None = typer.Option(None, "--replay", help="Serve the model's answers from a recorded llm.jsonl, without any endpoint."),
    max_rounds: int | None = MAX_ROUNDS,
    test_cmd: str | None = TEST_CMD,
    rulebook: Path | None = RULEBOOK,
    max_tokens: int | None = MAX_TOKENS,
    max_cost: float | None = MAX_COST,
    no_llm_review: bool = NO_LLM_REVIEW,
    quiet: bool = QUIET,
) -> None:
    """Build a feature with the LLM coder until the security checklist is empty, on a new branch.

    Every model exchange is recorded in <git dir>/cynic/runs/<run-id>/llm.jsonl; --replay FILE
    runs again from such a recording.

    Exit codes: 0 clean, 1 stopped with findings left (or at the budget), 2 usage error, 3 error, 130 interrupted.
    """
    target, settings = _target_and_settings(path, model=model, base_url=base_url, replay=_absolute(replay),
                                            max_rounds=max_rounds, test_cmd=test_cmd, rulebook=_absolute(rulebook),
                                            max_tokens=max_tokens, max_cost=max_cost)
    if not settings.llm_configured:
        fail(LLM_HINT)
    if settings.replay is not None and not settings.replay.is_file():
        fail(f"the recording {settings.replay} does not exist. Give the llm.jsonl of an earlier run (see `cynic show RUN`).")
    _finish(*_start(target, settings, mode="implement", request=prompt, llm_review=not no_llm_review, quiet=quiet))


def runs(path: Path = PATH_ARG) -> None:
    """List the runs of this repository: id, status, rounds, open findings, start, request."""
    from cynic.workflows.run import list_runs

    target, settings = _target_and_settings(path, reading_runs=True)
    found = list_runs(_state_dir(target, settings))
    if not found:
        typer.echo("no runs yet: start one with `cynic fix` or `cynic implement`.")
        return
    typer.echo(f"{'RUN':<22} {'STATUS':<12} {'ROUNDS':>6} {'OPEN':>5}  {'STARTED':<25} REQUEST")
    for state in found:
        request = state.get("request") or "(fix)"
        typer.echo(f"{state['run_id']:<22} {state.get('status', 'running'):<12} {state.get('round', 0):>6} "
                   f"{len(state.get('checklist', [])):>5}  {state['started_at']:<25} {request[:60]}")


def show(
    run_id: str = typer.Argument(..., help="The run id, as listed by `cynic runs`."),
    path: Path = PATH_ARG,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Plain lines even on a terminal."),
) -> None:
    """Show a run: its rounds (commit, files, tests, fixed / new / remaining), every finding with
    its status and waiver, and the LLM usage. Tables on a terminal; plain lines when piped, in CI
    (CI=true) or with --quiet."""
    from datetime import date

    from rich.console import Console

    from cynic.policy import PolicyError
    from cynic.reports.plain import plain_run_lines
    from cynic.reports.progress import interactive
    from cynic.reports.run_adapter import DATABASE, RunNotFound, load_waived_run_view
    from cynic.reports.terminal import render_run_terminal

    target, settings = _target_and_settings(path, reading_runs=True)
    state_dir = _state_dir(target, settings)
    if not (state_dir / DATABASE).is_file():
        fail(f"no run {run_id!r} in {target.root}: it has no runs yet. Start one with `cynic fix` or "
             "`cynic implement`; `cynic runs` lists them.")
    try:
        view = load_waived_run_view(state_dir, run_id, date.today())
    except (RunNotFound, PolicyError) as error:
        fail(str(error))
    console = Console(highlight=False)
    if interactive(console, quiet):
        render_run_terminal(view, console)
    else:
        for line in plain_run_lines(view):
            typer.echo(line)
    typer.echo(f"history: {state_dir / 'runs' / run_id}")


def resume(
    run_id: str = typer.Argument(..., help="The run id, as listed by `cynic runs`."),
    path: Path = PATH_ARG,
    model: str | None = MODEL,
    base_url: str | None = BASE_URL,
    quiet: bool = QUIET,
) -> None:
    """Continue an interrupted run (Ctrl-C, a killed process, a crash) from its last completed
    step, or retry the step that stopped a run on an error (an LLM endpoint that was down)."""
    from cynic.cli._loop_output import LoopPrinter
    from cynic.workflows.run import resume_run

    target, settings = _target_and_settings(path, reading_runs=True, model=model, base_url=base_url)
    state = _load(target, settings, run_id)
    printer = LoopPrinter(quiet=quiet)
    if state.get("status", "running") not in ("running", "error"):
        printer.line(f"run {run_id} already finished.")
        _finish(printer, state)
    if state.get("status") == "error":
        printer.line(f"retrying the step that stopped run {run_id}: {state.get('error')}")
    printer.line(f"resuming run {run_id} after round {state.get('round', 0)}")
    crew = _crew(state["mode"], settings, target, run_id, test_cmd=state.get("test_cmd"), llm_review=state.get("llm_review", False))
    _finish(printer, _guarded(lambda: resume_run(_state_dir(target, settings), state, crew, printer), run_id, printer))


def demo(quiet: bool = QUIET) -> None:
    """Run `cynic fix` on a temporary copy of the bundled vulnerable notes app, round by round."""
    import git

    from cynic.cli._demo import prepare_demo_repository

    repo = prepare_demo_repository()
    typer.echo(f"demo repository: {repo}")
    target, settings = _target_and_settings(repo)
    printer, state = _start(target, settings, mode="fix", request=None, llm_review=False, quiet=quiet)
    code = EXIT_BY_STATUS[state["status"]]
    printer.final(state, code)
    typer.echo(f"\ngit log --oneline {state['branch']}:")
    typer.echo(git.Repo(repo).git.log("--oneline", state["branch"]))
    raise typer.Exit(code)


def _start(target: Any, settings: "Settings", *, mode: str, request: str | None, llm_review: bool, quiet: bool) -> tuple[Any, dict[str, Any]]:
    """Run the loop to a stop status, reporting each step; (the printer, the final state)."""
    from cynic.cli._loop_output import LoopPrinter
    from cynic.workflows.run import new_run_id, start_run

    if llm_review or mode == "implement":
        _check_cost_budget(settings, ("coder", "reviewer") if mode == "implement" else ("reviewer",))
    printer = LoopPrinter(quiet=quiet)
    run_id = new_run_id()
    crew = _crew(mode, settings, target, run_id, test_cmd=settings.test_cmd, llm_review=llm_review)
    limits = {"max_rounds": settings.max_rounds, "max_tokens": settings.max_tokens, "max_cost": settings.max_cost}
    state = _guarded(
        lambda: start_run(target, _state_dir(target, settings), crew, mode=mode, request=request,  # type: ignore[arg-type]
                          test_cmd=settings.test_cmd, limits=limits, report=printer, run_id=run_id,  # type: ignore[arg-type]
                          llm_review=llm_review),
        run_id,
        printer,
    )
    return printer, state


def _check_cost_budget(settings: "Settings", agents: tuple[str, ...]) -> None:
    """--max-cost counts only what has a price: refuse a cost budget that could never be reached."""
    if settings.max_cost is None:
        return
    for agent in agents:
        model = settings.model_for(agent)
        if model and model not in settings.prices:
            fail(f"--max-cost needs the price of the model {model!r}: add `[prices.\"{model}\"]` with `input = ...` and "
                 "`output = ...` (per million tokens) to .cynic.toml, or use --max-tokens.")


def _guarded(work: Any, run_id: str, printer: Any) -> Any:
    """Run `work`; an interruption or an unexpected failure leaves the run resumable and says so."""
    try:
        return work()
    except KeyboardInterrupt:
        printer.idle()
        fail(f"interrupted. Nothing is lost: continue with `cynic resume {run_id}`.", EXIT_INTERRUPTED)
    except Exception as error:  # the CLI never shows a traceback; the run stays resumable
        printer.idle()
        fail(f"run {run_id} stopped: {type(error).__name__}: {error}. Fix the cause, then `cynic resume {run_id}`.", EXIT_ERROR)


def _finish(printer: Any, state: dict[str, Any]) -> None:
    code = EXIT_BY_STATUS.get(state.get("status", ""), EXIT_ERROR)
    printer.final(state, code)
    raise typer.Exit(code)


def _target_and_settings(path: Path, *, reading_runs: bool = False, **flags: Any) -> tuple[Any, "Settings"]:
    """The repository at or above `path` and its settings; with `reading_runs` (runs, show,
    resume), a path that is no repository with commits is said to hold no runs."""
    from cynic.config import ConfigError, load_settings
    from cynic.sandbox.base import SandboxError
    from cynic.sandbox.worktree import find_target

    try:
        target = find_target(path)
        return target, load_settings(target.root, **flags)
    except SandboxError as error:
        if reading_runs:
            fail(f"{path} holds no cynic runs: it is not a folder of a git repository with commits. Give the "
                 "repository a run worked on (e.g. `cynic runs ~/src/app`); `cynic fix` or `cynic implement` starts one.")
        fail(str(error))
    except ConfigError as error:
        fail(str(error))


def _absolute(path: Path | None) -> Path | None:
    """A command-line path is relative to where the command runs, not to the repository."""
    return path.resolve() if path is not None else None


def _state_dir(target: Any, settings: "Settings") -> Path:
    if settings.state_dir is None:
        return target.state_dir
    return settings.state_dir if settings.state_dir.is_absolute() else target.root / settings.state_dir


def _load(target: Any, settings: "Settings", run_id: str) -> dict[str, Any]:
    from cynic.workflows.run import load_run

    state = load_run(_state_dir(target, settings), run_id)
    if state is None:
        fail(f"no run {run_id!r} in {target.root}. List the runs with `cynic runs`.")
    return state


def _crew(mode: str, settings: "Settings", target: Any, run_id: str, *, test_cmd: str | None, llm_review: bool) -> "Crew":
    """The agents of run `run_id`, their exchanges with a model recorded in the run's folder."""
    from cynic.agents.errors import LLMError
    from cynic.agents.rulebook import RulebookError
    from cynic.workflows.crew import build_crew

    if mode == "implement" and not settings.llm_configured:
        fail(LLM_HINT)
    try:
        return build_crew(mode, settings, target.root, run_dir=_state_dir(target, settings) / "runs" / run_id,  # type: ignore[arg-type]
                          test_cmd=test_cmd, llm_review=llm_review, policy=_policy(target.root))
    except (LLMError, RulebookError) as error:
        fail(str(error))


def _policy(root: Path) -> "Policy":
    """The baseline and waivers of the user's repository (the coder's copy is never read)."""
    from cynic.policy import PolicyError, load_policy

    try:
        return load_policy(root)
    except PolicyError as error:
        fail(str(error))
