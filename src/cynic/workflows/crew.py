"""The agents of a run, built from the settings: the coder (deterministic fixers for `fix`, the
LLM coder for `implement`), the security agent with the LLM reviewer when asked for, the
rulebook both follow, and the recording of every model exchange under the run's folder."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from cynic.agents.base import Coder, Reviewer
from cynic.config import Settings
from cynic.policy import Policy
from cynic.sandbox.runner import Limits
from cynic.workflows.run import Crew
from cynic.workflows.state import Mode

RECORDING = "llm.jsonl"  # in the run's folder, <state dir>/runs/<run id>/


def build_crew(
    mode: Mode,
    settings: Settings,
    root: Path,
    *,
    run_dir: Path,
    test_cmd: str | None,
    llm_review: bool,
    policy: Policy | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Crew:
    """The crew of one run of the repository at `root`. Raises `LLMError` (no model, no key) or
    `RulebookError` (an unreadable rulebook) with a message that says what to do. `policy` (the
    repository's baseline and waivers) keeps accepted findings off the checklist."""
    from cynic.agents.security import SecurityAgent

    rulebook, protected = rulebook_for(settings, root)
    limits = Limits(timeout=settings.test_timeout)
    recording = run_dir / RECORDING
    reviewer = _llm_reviewer(settings, recording, sleep) if llm_review else None
    coder = _deterministic_coder() if mode == "fix" else _llm_coder(settings, recording, sleep, sandbox_tests(test_cmd, limits))
    return Crew(coder, SecurityAgent(reviewer, rulebook=rulebook, policy=policy), rulebook, protected, limits)


def rulebook_for(settings: Settings, root: Path) -> tuple[str, frozenset[str]]:
    """The rulebook's text (the user's `rulebook` file, else cynic's own), and its path inside the
    repository, which the coder may never edit."""
    from cynic.agents.rulebook import load_rulebook

    if settings.rulebook is None:
        return load_rulebook(None), frozenset()
    path = settings.rulebook if settings.rulebook.is_absolute() else root / settings.rulebook
    text = load_rulebook(path)
    resolved = path.resolve()
    return text, frozenset({resolved.relative_to(root).as_posix()} if resolved.is_relative_to(root) else ())


def sandbox_tests(command: str | None, limits: Limits) -> Callable[[Path], str] | None:
    """The coder's `run_tests` tool: the project's test command in the workspace, through the
    sandbox runner (scrubbed environment, timeout, no network where possible)."""
    if not command:
        return None

    def run_tests(workspace: Path) -> str:
        from cynic.sandbox.runner import run_command

        result = run_command(command, workspace, limits)
        verdict = "passed" if result.passed else "timed out" if result.timed_out else f"failed (exit code {result.exit_code})"
        return f"`{command}` {verdict}:\n{result.tail()}"

    return run_tests


def _deterministic_coder() -> Coder:
    from cynic.agents.deterministic import DeterministicCoder

    return DeterministicCoder()


def _llm_coder(settings: Settings, recording: Path, sleep: Callable[[float], None], run_tests: Callable[[Path], str] | None) -> Coder:
    from cynic.agents.llm import build_client
    from cynic.agents.llm_coder import LLMCoder

    client = build_client(settings, "coder", record_to=recording, sleep=sleep)
    return LLMCoder(settings, client=client, run_tests=run_tests)


def _llm_reviewer(settings: Settings, recording: Path, sleep: Callable[[float], None]) -> Reviewer:
    from cynic.agents.llm import build_client
    from cynic.agents.reviewer import LLMReviewer

    return LLMReviewer(settings, client=build_client(settings, "reviewer", record_to=recording, sleep=sleep))
