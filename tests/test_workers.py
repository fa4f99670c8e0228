"""Work shared with forked workers: every job done once, results in the jobs' order, and a worker's
failure or death never lost."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

import pytest

from cynic.workers import WorkerError, share

JOBS = list(range(24))
PAUSE = 0.01  # per job: long enough that a worker starts before this process has done them all


def squares(jobs: Sequence[int]) -> list[tuple[int, int]]:
    time.sleep(PAUSE * len(jobs))
    return [(job * job, os.getpid()) for job in jobs]


@pytest.mark.parametrize("workers", [1, 2])
def test_every_job_is_done_once_and_the_results_keep_the_jobs_order(workers: int) -> None:
    finished: list[int] = []

    results = share(JOBS, [1] * len(JOBS), squares, workers=workers, done=finished.append)

    assert [square for square, _ in results] == [job * job for job in JOBS]
    assert sum(finished) == len(JOBS)
    assert {pid for _, pid in results} - {os.getpid()}  # a worker took its share


def test_a_workers_failure_is_raised_here_with_its_traceback() -> None:
    auditing = os.getpid()

    def failing(jobs: Sequence[int]) -> list[tuple[int, int]]:
        if os.getpid() != auditing:
            raise ValueError(f"job {jobs[0]} cannot be done")
        return squares(jobs)

    with pytest.raises(ValueError, match=r"job \d+ cannot be done") as raised:
        share(JOBS, [1] * len(JOBS), failing, workers=1, done=lambda count: None)

    assert isinstance(raised.value.__cause__, WorkerError) and "failing" in str(raised.value.__cause__)


def test_the_jobs_of_a_worker_that_died_are_done_here() -> None:
    auditing = os.getpid()

    def dying(jobs: Sequence[int]) -> list[tuple[int, int]]:
        if os.getpid() != auditing:
            os._exit(1)
        return squares(jobs)

    results = share(JOBS, [1] * len(JOBS), dying, workers=1, done=lambda count: None)

    assert [square for square, _ in results] == [job * job for job in JOBS]
    assert {pid for _, pid in results} == {auditing}


def test_a_milestone_runs_here_as_soon_as_the_jobs_before_it_are_done() -> None:
    finished: list[int] = []
    seen: list[tuple[list[int], int, int]] = []

    def waiting(results: list[tuple[int, int]]) -> None:
        seen.append(([square for square, _ in results], os.getpid(), sum(finished)))

    results = share(JOBS, [1] * len(JOBS), squares, workers=1, done=finished.append, milestones=[(8, waiting)])

    assert [square for square, _ in results] == [job * job for job in JOBS]
    [(squares_before, pid, done_then)] = seen
    assert squares_before == [job * job for job in JOBS[:8]] and pid == os.getpid()
    assert done_then < len(JOBS)  # it did not wait for the rest
