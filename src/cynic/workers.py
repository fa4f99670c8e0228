"""Share a list of jobs between this process and forked workers, so that every core works to the end.

Each process claims its next run of consecutive jobs from the front of the list whenever it is
free. A claim takes a share of the weight still unclaimed (guided self-scheduling), so claims
start large and shrink towards the end: the last ones hold a file or two, and no process waits
long for another. A milestone (the first n jobs, and work that needs their results) splits the
list: claims shrink towards it too and never run across it, and once every job before it is
claimed this process waits for the workers' last ones, then runs the milestone's work while
the workers go on past it.

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
import multiprocessing.connection
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
Milestone = tuple[int, Callable[[list[Any]], None]]  # (n, called with the first n results once they are in)

CLAIM_SHARE = 2  # each claim takes 1/(CLAIM_SHARE * processes) of the unclaimed weight
_FRONT = struct.Struct("q")  # the first job not claimed yet
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
    milestones: Sequence[Milestone] = (),
) -> list[Result]:
    """`work` over runs of consecutive `jobs`, here and in `workers` forked processes; one result
    per job, in the order of `jobs`. `weights` estimate each job's cost; `done` hears how many
    jobs were finished, claim by claim. Each milestone's callback runs here, once, as soon as the
    first n results are in. A worker's exception is raised here, caused by a `WorkerError`
    holding the worker's traceback."""
    milestones = sorted(milestones, key=lambda milestone: milestone[0])
    claims = _Claims(weights, workers + 1, stops=[count for count, _ in milestones])
    results: list[Any] = [_MISSING] * len(jobs)
    reached = _Milestones(results, milestones)
    channels = [_Channel.start(claims, jobs, work) for _ in range(workers)]
    try:
        while True:
            reached.check()
            while reached.all_claimed(claims.front()) and any(channel.open for channel in channels):
                # Only the workers' last claims stand before the next milestone: wait for them
                # rather than claim past it, so that the milestone's work starts the moment it can.
                multiprocessing.connection.wait([channel.announcements for channel in channels if channel.open])
                for channel in channels:
                    channel.collect(results, done, block=False)
                reached.check()
            if (claim := claims.take()) is None:
                break
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
    reached.check()
    return results


class _Milestones:
    """Calls each milestone's callback once the results before it are all in."""

    def __init__(self, results: list[Any], milestones: list[Milestone]) -> None:
        self._results, self._waiting = results, milestones
        self._finished = 0  # results[:_finished] are all in

    def check(self) -> None:
        results = self._results
        while self._waiting:
            while self._finished < len(results) and results[self._finished] is not _MISSING:
                self._finished += 1
            count, callback = self._waiting[0]
            if count > self._finished:
                return
            self._waiting.pop(0)
            callback(results[:count])

    def all_claimed(self, front: int) -> bool:
        """Whether every job before the next milestone waiting is claimed (`front`: the first not)."""
        return bool(self._waiting) and self._waiting[0][0] <= front


class _Claims:
    """Where the jobs not yet claimed start, in memory shared by every process, behind a lock."""

    def __init__(self, weights: Sequence[int], processes: int, stops: Sequence[int] = ()) -> None:
        self._before = [0, *itertools.accumulate(weights)]  # weight of the jobs before each index
        self._count, self._processes = len(weights), processes
        self._stops = [*sorted(stops), len(weights)]  # no claim runs across one of these indices
        self._front = mmap.mmap(-1, _FRONT.size)
        _FRONT.pack_into(self._front, 0, 0)
        self._lock = multiprocessing.get_context("fork").Lock()

    def front(self) -> int:
        """The first job not claimed yet."""
        with self._lock:
            return int(_FRONT.unpack_from(self._front)[0])

    def take(self) -> tuple[int, int] | None:
        """The next run of jobs for this process, as (start, end); None when all are claimed."""
        with self._lock:
            (front,) = _FRONT.unpack_from(self._front)
            if front >= self._count:
                return None
            before, stop = self._before, self._stops[bisect_right(self._stops, front)]
            share = (before[stop] - before[front]) / (CLAIM_SHARE * self._processes)  # shrinking towards the stop
            # up to the first job that brings the claim to its share (at least one job)
            end = bisect_left(before, before[front] + share, front + 1, stop)
            _FRONT.pack_into(self._front, 0, end)
        return front, end


class _Channel(Generic[Job, Result]):
    """One forked worker, and the file and pipe its results come back by."""

    def __init__(self, process: Any, announcements: Connection, results: BinaryIO) -> None:
        self._process, self.announcements, self._results = process, announcements, results
        self.open = True  # until the worker's end of the pipe is closed

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
        while self.open and (block or self.announcements.poll()):
            try:
                message = self.announcements.recv()
            except EOFError:
                self.open = False
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
        self.announcements.close()
        self._results.close()


def _serve(claims: _Claims, jobs: Sequence[Job], work: Callable[[Sequence[Job]], list[Result]],
           announcements: Connection, results: BinaryIO) -> None:
    """A worker's life: claim from the front, write the results, announce them; report a failure."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the auditing process, which stops the workers
    auditing, offset = os.getppid(), 0
    try:
        while os.getppid() == auditing and (claim := claims.take()) is not None:
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
