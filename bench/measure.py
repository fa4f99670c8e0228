"""Run one command as a child process and measure its wall time, CPU time and peak RSS."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# Exit codes that mean "ran fine" for the tools measured (1 = findings reported).
OK_EXIT_CODES = (0, 1)


@dataclass(frozen=True)
class Sample:
    """One measured run. `cpu` is user+sys of the child and every descendant it waited for."""

    wall: float
    cpu: float
    rss_mib: float
    exit_code: int
    stderr_tail: str


@dataclass
class Probe:
    """A named command to time, with what to do before and after each run (not timed).

    `prepare` sets up a run (an edit, a cleared cache) and `restore` undoes what it left behind,
    so that the next probe's run sees the tree as it was. The warm-up may run a variant of the
    command (`warmup_argv`, e.g. writing its JSON to a real file) so that `summarize` can report
    what the tool scanned and found.
    """

    name: str
    argv: list[str]
    env: dict[str, str] | None = None
    prepare: Callable[[int], None] | None = None
    restore: Callable[[], None] | None = None
    unavailable: str | None = None
    warmup_argv: list[str] | None = None
    summarize: Callable[[], str] | None = None
    summary: str = ""
    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    def median(self, attr: str) -> float:
        """Median of one Sample attribute over the measured runs."""
        return statistics.median(getattr(s, attr) for s in self.samples)

    def spread(self) -> tuple[float, float]:
        """Fastest and slowest wall time."""
        walls = [s.wall for s in self.samples]
        return min(walls), max(walls)


def run_once(argv: list[str], env: dict[str, str] | None, cwd: Path, timeout: float) -> Sample:
    """Start `argv`, reap it with os.wait4 and return its rusage-based measurements.

    A timer kills the child's process group after `timeout` seconds; stderr goes to a temporary file so that
    a chatty child never blocks on a full pipe.
    """
    full_env = {**os.environ, **(env or {})}
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
            start_new_session=True,
        )
        # Kill the whole session on timeout, so helpers such as semgrep-core go too.
        timer = threading.Timer(timeout, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        rss_mib=usage.ru_maxrss / 1024,
        exit_code=proc.returncode,
        stderr_tail=" | ".join(line.strip() for line in tail),
    )


def measure_side_by_side(probes: list[Probe], cwd: Path, repeat: int, timeout: float) -> None:
    """One untimed warm-up of every probe, then `repeat` rounds that each run every probe once.

    Taking turns within a round means that a machine which slows down or speeds up in the middle
    of a measurement moves every probe alike, so the ratios between them hold. A failing run
    stops its probe with an error; the other probes go on.
    """
    live = [probe for probe in probes if not probe.unavailable]
    for index in range(repeat + 1):
        for probe in live:
            if probe.error is None:
                _run_probe(probe, index, cwd, timeout)


def _run_probe(probe: Probe, index: int, cwd: Path, timeout: float) -> None:
    """The probe's run number `index` (0: the warm-up), prepared and restored around it."""
    if probe.prepare:
        probe.prepare(index)
    try:
        argv = probe.warmup_argv if index == 0 and probe.warmup_argv else probe.argv
        sample = run_once(argv, probe.env, cwd, timeout)
    finally:
        if probe.restore:
            probe.restore()
    if sample.exit_code not in OK_EXIT_CODES:
        detail = sample.stderr_tail or (probe.summarize() if probe.summarize else "no stderr")
        probe.error = f"exit {sample.exit_code}: {detail}"
        probe.samples.clear()
    elif index:
        probe.samples.append(sample)
    elif probe.summarize:
        probe.summary = probe.summarize()
