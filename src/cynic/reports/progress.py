"""Progress for long commands: a live spinner or bar on a terminal; in CI, under --quiet or when
output is piped, one plain line when the work starts and one when it ends, on stderr."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console


def interactive(console: Console, quiet: bool = False) -> bool:
    """True when live progress suits the output: a terminal, not CI, not --quiet."""
    return not quiet and console.is_terminal and os.environ.get("CI", "").lower() not in ("true", "1")


@contextmanager
def progress(description: str, total: int | None = None, *, quiet: bool = False,
             console: Console | None = None) -> Iterator[Callable[[], None]]:
    """Show `description` while the block runs; the block calls the yielded `advance()` once per
    unit of work (of `total`, when known)."""
    console = console or Console(stderr=True, highlight=False)
    if not interactive(console, quiet):
        done = 0

        def count() -> None:
            nonlocal done
            done += 1

        started = time.perf_counter()
        console.print(f"{description}...", markup=False, highlight=False)
        yield count
        amount = f"{done}/{total} " if total is not None else ""
        console.print(f"{description}: done ({amount}in {time.perf_counter() - started:.1f}s)", markup=False, highlight=False)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = [SpinnerColumn(), TextColumn("{task.description}", markup=False)]
    if total is not None:
        columns += [BarColumn(), MofNCompleteColumn()]
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)
