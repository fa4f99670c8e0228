"""What a run needs at runtime and must never be checkpointed: the agents, the sandbox's
limits, where to write the run's history, and where to report progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cynic.agents.base import Coder
from cynic.agents.security import SecurityAgent
from cynic.sandbox.runner import Limits

Reporter = Callable[[str, dict[str, Any]], None]  # (event, payload): prepared, coded, verified, auditing, audited, finished


def _silent(event: str, payload: dict[str, Any]) -> None:
    """The reporter used when nobody is watching."""


@dataclass
class LoopContext:
    """Passed to every node by LangGraph as `runtime.context`."""

    coder: Coder
    security: SecurityAgent
    runs_dir: Path  # <state dir>/runs: one folder of history per run
    rulebook: str = ""
    protected: frozenset[str] = frozenset()  # workspace paths the coder must never edit (the rulebook)
    test_limits: Limits = field(default_factory=Limits)
    report: Reporter = _silent
