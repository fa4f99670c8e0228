"""Progress for long commands: a live bar or status line on a terminal; in CI (CI=true) or when
output is piped, one plain line when the work starts and one when it ends; nothing at all under
--quiet. Live displays refresh only when the work reports (in batches), never from a background
thread: the audit only forks its worker processes while the process has a single thread."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # rich is imported only for a live display
    from rich.console import Console


def interactive(console: Console, quiet: bool = False) -> bool:
    """True when live progress suits the output: a terminal, not CI, not --quiet."""
    return not quiet and console.is_terminal and not _in_ci()


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1")


def _stderr_is_plain() -> bool:
    """What rich's `Console(stderr=True).is_terminal` answers when stderr is no terminal and no
    variable (TTY_COMPATIBLE, FORCE_COLOR) says otherwise: False, known without importing rich."""
    if os.environ.get("TTY_COMPATIBLE", "") != "" or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not sys.stderr.isatty()
    except ValueError:  # closed
        return True


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
    if quiet:
        yield Tracker()
        return
    if console is None and (_in_ci() or _stderr_is_plain()):
        with _plain_lines(description, total, lambda line: print(line, file=sys.stderr, flush=True)) as tracker:
            yield tracker
        return
    from rich.console import Console

    console = console or Console(stderr=True, highlight=False)
    if not interactive(console):
        with _plain_lines(description, total, lambda line: console.print(line, markup=False, highlight=False)) as tracker:
            yield tracker
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn()]
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as bar:
        task = bar.add_task(description, total=total)
        bar.refresh()
        yield Tracker(bar, task)


@contextmanager
def _plain_lines(description: str, total: int | None, write: Callable[[str], None]) -> Iterator[Tracker]:
    """One line when the work starts, one when it ends."""
    tracker = Tracker()
    tracker.total = total
    started = time.perf_counter()
    write(f"{description}...")
    yield tracker
    amount = f"{tracker.done}/{tracker.total} " if tracker.total is not None else ""
    write(f"{description}: done ({amount}in {time.perf_counter() - started:.1f}s)")


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
        from rich.text import Text

        if self._live is None:
            from rich.live import Live

            self._live = Live(console=self._console, transient=True, auto_refresh=False)
            self._live.start()
        self._live.update(Text(text, style="dim"), refresh=True)

    def clear(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None
