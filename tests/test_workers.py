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
        if 0 in jobs and os.getpid() != auditing:  # a worker's first claim starts at the front
            raise ValueError("job 0 cannot be done")
        return squares(jobs)

    with pytest.raises(ValueError, match="job 0 cannot be done") as raised:
        share(JOBS, [1] * len(JOBS), failing, workers=1, done=lambda count: None)

    assert isinstance(raised.value.__cause__, WorkerError) and "failing" in str(raised.value.__cause__)


def test_the_jobs_of_a_worker_that_died_are_done_here() -> None:
    auditing = os.getpid()

    def dying(jobs: Sequence[int]) -> list[tuple[int, int]]:
        if 0 in jobs and os.getpid() != auditing:
            os._exit(1)
        return squares(jobs)

    results = share(JOBS, [1] * len(JOBS), dying, workers=1, done=lambda count: None)

    assert [square for square, _ in results] == [job * job for job in JOBS]
    assert results[0][1] == auditing
