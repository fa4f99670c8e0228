"""Progress for long commands: a live bar or status line on a terminal; in CI (CI=true) or when
output is piped, one plain line when the work starts and one when it ends; nothing at all under
--quiet. Live displays refresh only when the work reports (in batches), never from a background
thread: the audit only forks its worker processes while the process has a single thread."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.text import Text


def interactive(console: Console, quiet: bool = False) -> bool:
    """True when live progress suits the output: a terminal, not CI, not --quiet."""
    return not quiet and console.is_terminal and os.environ.get("CI", "").lower() not in ("true", "1")


class Tracker:
    """What a block of work reports to: `advance(amount, total=...)` after each batch."""

    def __init__(self, bar: Any = None, task: Any = None) -> None:
        self.done = 0
        self.total: int | None = None
        self._bar, self._task = bar, task

    def advance(self, amount: int = 1, total: int | None = None) -> None:
        self.done += amount
        self.total = total if total is not None else self.total
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done, total=self.total)
            self._bar.refresh()


@contextmanager
def progress(description: str, total: int | None = None, *, quiet: bool = False,
             console: Console | None = None) -> Iterator[Tracker]:
    """Show `description` while the block runs; the block reports its work to the yielded tracker."""
    console = console or Console(stderr=True, highlight=False)
    if quiet:
        yield Tracker()
        return
    if not interactive(console):
        tracker = Tracker()
        tracker.total = total
        started = time.perf_counter()
        console.print(f"{description}...", markup=False, highlight=False)
        yield tracker
        amount = f"{tracker.done}/{tracker.total} " if tracker.total is not None else ""
        console.print(f"{description}: done ({amount}in {time.perf_counter() - started:.1f}s)", markup=False, highlight=False)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as bar:
        task = bar.add_task(description, total=total)
        bar.refresh()
        yield Tracker(bar, task)


class StatusLine:
    """One live line saying what is happening now, on an interactive terminal only; elsewhere
    it prints nothing (the caller's own lines are the log)."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self._console = console
        self._enabled = enabled
        self._live: Any = None

    def show(self, text: str) -> None:
        if not self._enabled:
            return
        if self._live is None:
            from rich.live import Live

            self._live = Live(console=self._console, transient=True, auto_refresh=False)
            self._live.start()
        self._live.update(Text(text, style="dim"), refresh=True)

    def clear(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
