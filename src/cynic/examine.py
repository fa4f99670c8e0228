"""Read each file an audit still has to look at, then serve it from the cache or analyse it: in
this process, or shared with forked workers when there is enough to do.

A file is read where it is analysed, so that a large audit's reading and hashing is shared out
too; the cache is looked up by the content's digest, which only the reader knows.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from cynic.analysis import FileAnalysis
from cynic.cache import AnalysisCache, file_key, seal_facts
from cynic.models import Skipped
from cynic.source import FileKind, SourceFile
from cynic.walk import Unread, read_unread

if TYPE_CHECKING:
    from cynic.rules.base import Rule

PARALLEL_MIN_BYTES = 200_000  # ~5k lines; below ~120 kB starting a worker costs about what it saves
PROGRESS_BATCH = 50  # files analysed in this process between two progress reports

Job = Unread | SourceFile  # a file to read and analyse, or one read already
# What became of a job: the file read (with its stat when it was read just now) and its analysis
# (None when the cache holds it under the file's content), or why the file cannot be audited.
Outcome = tuple[SourceFile, os.stat_result | None, FileAnalysis | None] | Skipped
Analyze = Callable[[SourceFile, Sequence["Rule"]], FileAnalysis]


class Examiner(NamedTuple):
    """Reads each job's file if it is unread, then serves it from the cache or analyses it.
    (This and `Waiting` are named tuples: cheaper to define than frozen dataclasses, and every
    audit that analyses a file defines them.)"""

    analyze: Analyze
    rules: Sequence[Rule]
    cache: AnalysisCache
    reuse: bool = True  # False: analyse even a file the cache holds (its facts were lost)

    def __call__(self, jobs: Sequence[Job]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for job in jobs:
            source, status = job, None
            if isinstance(job, Unread):
                read = read_unread(job)
                if isinstance(read, Skipped):
                    outcomes.append(read)
                    continue
                source, status = read
            analysis = None
            if not self.reuse or self.cache.get(file_key(source)) is None:
                analysis = keep(self.analyze(source, self.rules))
                if self.cache.remembers:
                    seal_facts(analysis)
            outcomes.append((source, status, analysis))
        return outcomes


class Waiting(NamedTuple):
    """Work that needs the outcome of every job of some kinds of file (a group of project rules),
    run in this process as soon as those are in, while the workers go on with the other files."""

    kinds: frozenset[FileKind]
    run: Callable[[list[Outcome | None]], None]  # every job's outcome so far (None: not yet examined)


def examine(jobs: list[Job], examiner: Examiner, analysed: Callable[[int], None],
            waiting: Callable[[], Sequence[Waiting]] = tuple) -> list[Outcome]:
    """Every job's outcome, in order: shared with forked workers when there is enough to read and
    analyse, else in this process; `analysed` hears how many jobs are done, batch by batch.

    When the work is shared, the jobs of the kinds each of `waiting()` needs are examined first
    (in turn), and each runs here as soon as they are, while the workers go on with the rest."""
    if not jobs:
        return []
    weights = [job.size if isinstance(job, Unread) else len(job.text) for job in jobs]
    workers = _workers_for(sum(weights))
    if workers:
        from cynic.workers import share

        examiner = examiner._replace(rules=list(examiner.rules))  # loaded once, before the fork

        def finished(count: int) -> None:
            gc.freeze()  # what was analysed here or received from a worker is kept to the end
            analysed(count)

        waits = waiting()
        order, counts = _waiting_first(jobs, waits)
        milestones = [(count, _given_in_jobs_order(wait.run, order)) for count, wait in zip(counts, waits)]
        outcomes = share([jobs[index] for index in order], [weights[index] for index in order], examiner,
                         workers=workers, done=finished, milestones=milestones)
        return _unshuffled(outcomes, order)  # type: ignore[return-value]  # every job has its outcome
    outcomes: list[Outcome] = []
    for start in range(0, len(jobs), PROGRESS_BATCH):
        batch = jobs[start : start + PROGRESS_BATCH]
        outcomes.extend(examiner(batch))
        analysed(len(batch))
    return outcomes


def _waiting_first(jobs: list[Job], waiting: Sequence[Waiting]) -> tuple[list[int], list[int]]:
    """The jobs' indices, those of each waiting's kinds first (in turn), the rest after in their
    order; and for each waiting, how many jobs come up to its last."""
    order: list[int] = []
    counts: list[int] = []
    placed: set[FileKind] = set()
    for wait in waiting:
        new_kinds = wait.kinds - placed
        order.extend(index for index, job in enumerate(jobs) if job.kind in new_kinds)
        placed |= new_kinds
        counts.append(len(order))
    order.extend(index for index, job in enumerate(jobs) if job.kind not in placed)
    return order, counts


def _given_in_jobs_order(run: Callable[[list[Outcome | None]], None], order: list[int]) -> Callable[[list[Outcome]], None]:
    """`run`, to be given the outcomes of the first jobs in `order`: it gets them in the jobs' order."""
    return lambda outcomes: run(_unshuffled(outcomes, order))


def _unshuffled(outcomes: list[Outcome], order: list[int]) -> list[Outcome | None]:
    """Outcomes of the jobs at `order`'s first indices, put back in the jobs' order (None: not in)."""
    in_order: list[Outcome | None] = [None] * len(order)
    for index, outcome in zip(order, outcomes):
        in_order[index] = outcome
    return in_order


def keep(analysis: FileAnalysis) -> FileAnalysis:
    """`analysis`, with every object alive now moved out of the collector's generations."""
    gc.freeze()
    return analysis


def _workers_for(total_bytes: int) -> int:
    """How many processes to fork for work of this size: one per core beyond this one's (up to
    three), none for small work, or where forking is unsafe (other threads) or impossible."""
    cores = min(os.cpu_count() or 1, 4)
    if cores < 2 or total_bytes < PARALLEL_MIN_BYTES or threading.active_count() > 1:
        return 0
    from cynic.workers import can_fork

    return cores - 1 if can_fork() else 0
