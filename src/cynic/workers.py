"""Share a list of jobs between this process and forked workers, so that every core works to the end.

Each process claims its next run of consecutive jobs whenever it is free: the workers from the
front of the list, this process from the back, until the two ends meet. A claim takes a share of
the weight still unclaimed (guided self-scheduling), so claims start large and shrink towards
the meeting point: the last ones hold a file or two, and no process waits long for another.

The workers are forked, so they see the jobs, the work function and everything loaded so far
without any of it being pickled. A worker pickles its results into a temporary file of its own
and announces each claim's results over a pipe, so it never waits for this process to read them;
this process reads them between its own claims, and whatever a worker claimed but never
announced (it died) is done here.
"""

from __future__ import annotations

import contextlib
import itertools
import mmap
import multiprocessing
import os
import pickle
import signal
import struct
import tempfile
import traceback
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, BinaryIO, Generic, TypeVar

Job = TypeVar("Job")
Result = TypeVar("Result")

CLAIM_SHARE = 2  # each claim takes 1/(CLAIM_SHARE * processes) of the unclaimed weight
_BOUNDS = struct.Struct("qq")  # the unclaimed jobs: [front, back)
_MISSING = object()  # a result not received yet


class WorkerError(Exception):
    """The traceback of a worker's failure, set as the cause of the exception raised here."""


def can_fork() -> bool:
    """Workers are forked: where that is not possible, everything runs in this process."""
    return "fork" in multiprocessing.get_all_start_methods()


def share(
    jobs: Sequence[Job],
    weights: Sequence[int],
    work: Callable[[Sequence[Job]], list[Result]],
    *,
    workers: int,
    done: Callable[[int], None],
) -> list[Result]:
    """`work` over runs of consecutive `jobs`, here and in `workers` forked processes; one result
    per job, in the order of `jobs`. `weights` estimate each job's cost; `done` hears how many
    jobs were finished, claim by claim. A worker's exception is raised here, caused by a
    `WorkerError` holding the worker's traceback."""
    claims = _Claims(weights, workers + 1)
    results: list[Any] = [_MISSING] * len(jobs)
    channels = [_Channel.start(claims, jobs, work) for _ in range(workers)]
    try:
        while (claim := claims.take(from_front=False)) is not None:
            start, end = claim
            results[start:end] = work(jobs[start:end])
            done(end - start)
            for channel in channels:
                channel.collect(results, done, block=False)
        for channel in channels:
            channel.collect(results, done, block=True)
    finally:
        for channel in channels:
            channel.close()
    lost = [index for index, result in enumerate(results) if result is _MISSING]
    for start, end in _runs(lost):  # claimed by a worker that died before announcing them
        results[start:end] = work(jobs[start:end])
        done(end - start)
    return results


class _Claims:
    """The jobs not yet claimed, in memory shared by every process, behind a lock."""

    def __init__(self, weights: Sequence[int], processes: int) -> None:
        self._before = [0, *itertools.accumulate(weights)]  # weight of the jobs before each index
        self._processes = processes
        self._bounds = mmap.mmap(-1, _BOUNDS.size)
        _BOUNDS.pack_into(self._bounds, 0, 0, len(weights))
        self._lock = multiprocessing.get_context("fork").Lock()

    def take(self, *, from_front: bool) -> tuple[int, int] | None:
        """The next run of jobs for this process, as (start, end); None when all are claimed."""
        with self._lock:
            front, back = _BOUNDS.unpack_from(self._bounds)
            if front >= back:
                return None
            before = self._before
            share = (before[back] - before[front]) / (CLAIM_SHARE * self._processes)
            if from_front:  # up to the first job that brings the claim to its share (at least one job)
                end = bisect_left(before, before[front] + share, front + 1, back)
                claim, front = (front, end), end
            else:  # down to the last job that does (at least one job)
                start = max(bisect_right(before, before[back] - share, front, back) - 1, front)
                claim, back = (start, back), start
            _BOUNDS.pack_into(self._bounds, 0, front, back)
        return claim


class _Channel(Generic[Job, Result]):
    """One forked worker, and the file and pipe its results come back by."""

    def __init__(self, process: Any, announcements: Connection, results: BinaryIO) -> None:
        self._process, self._announcements, self._results = process, announcements, results
        self._open = True

    @classmethod
    def start(cls, claims: _Claims, jobs: Sequence[Job], work: Callable[[Sequence[Job]], list[Result]]) -> _Channel[Job, Result]:
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        results = tempfile.TemporaryFile()
        process = context.Process(target=_serve, args=(claims, jobs, work, writer, results), daemon=True)
        process.start()
        writer.close()  # this process keeps only the reading end, so the worker's exit closes the pipe
        return cls(process, reader, results)

    def collect(self, results: list[Any], done: Callable[[int], None], *, block: bool) -> None:
        """Take in the results announced so far (with `block`: all of them, until the worker exits)."""
        while self._open and (block or self._announcements.poll()):
            try:
                message = self._announcements.recv()
            except EOFError:
                self._open = False
                return
            if message[0] == "error":
                _, error, trace = message
                raise error from WorkerError(trace)
            _, start, end, offset, size = message
            results[start:end] = pickle.loads(os.pread(self._results.fileno(), size, offset))
            done(end - start)

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._announcements.close()
        self._results.close()


def _serve(claims: _Claims, jobs: Sequence[Job], work: Callable[[Sequence[Job]], list[Result]],
           announcements: Connection, results: BinaryIO) -> None:
    """A worker's life: claim from the front, write the results, announce them; report a failure."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the auditing process, which stops the workers
    auditing, offset = os.getppid(), 0
    try:
        while os.getppid() == auditing and (claim := claims.take(from_front=True)) is not None:
            start, end = claim
            pickled = pickle.dumps(work(jobs[start:end]), protocol=pickle.HIGHEST_PROTOCOL)
            os.pwrite(results.fileno(), pickled, offset)
            announcements.send(("results", start, end, offset, len(pickled)))
            offset += len(pickled)
    except BaseException as error:
        _report(error, traceback.format_exc(), announcements)
    finally:
        announcements.close()


def _report(error: BaseException, trace: str, announcements: Connection) -> None:
    try:
        pickle.dumps(error)
    except Exception:  # the exception cannot be pickled: its type and message stand in for it
        error = RuntimeError(f"{type(error).__name__}: {error}")
    with contextlib.suppress(OSError):  # the auditing process is gone: there is nobody to tell
        announcements.send(("error", error, trace))


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices as (start, end) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    for index in indices:
        if runs and runs[-1][1] == index:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return runs
