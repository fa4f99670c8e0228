"""A process forked when a warm audit finds a file changed, to analyse it while the tree is listed.

A warm audit mostly finds a file or two changed, and analysing one costs far less than loading
what analyses it: the parser, the fact extractors, the rules and the libraries they use take
about a sixth of such an audit. As soon as the listing meets the first changed file, the standby
is forked; it loads all of that (by analysing a one-line Python module) on the other core while
this process lists the rest of the tree and reads the cache, then analyses the files it is sent
and sends back plain values (marshal), so that this process never loads the analysers at all.

Where it cannot help, nothing changes: no fork where forking is unsafe (other threads) or
impossible or there is one core; work large enough for the pool goes to the pool (`examine`);
and if the standby fails in any way, the audit examines the files itself.
"""

from __future__ import annotations

import marshal
import os
import signal
import threading
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any

from cynic.analysis import FileAnalysis
from cynic.models import Skipped
from cynic.source import FileKind, SourceFile
from cynic.walk import Unread

if TYPE_CHECKING:
    from cynic.examine import Examiner, Outcome

ExaminerFor = Callable[[Collection[FileKind]], "Examiner"]  # the examiner of files of these kinds
# One line whose analysis loads what analysing a file of its kind needs (for the other kinds,
# whose analysers are light, a line break).
_WARM_UP_TEXT = {FileKind.PYTHON: "import os\n", FileKind.SCRIPT: "export {};\n"}


class Standby:
    """A process to fork when the audit finds a file changed, and its pipes (see the module's
    docstring): it is forked at most once, and only where that is safe and can help."""

    def __init__(self, examiner_for: ExaminerFor) -> None:
        self._examiner_for = examiner_for
        self._pid, self._jobs_out, self._outcomes_in = 0, -1, -1
        self._sent = 0  # how many files `send` handed over

    def start(self, first: Unread) -> None:
        """Fork the standby, which loads what analysing the `first` changed file needs; unless
        it runs already or forking is unsafe (other threads run), impossible, or useless (one core)."""
        if self._pid or (os.cpu_count() or 1) < 2 or threading.active_count() > 1 or not hasattr(os, "fork"):
            return
        jobs_in, self._jobs_out = os.pipe()
        self._outcomes_in, outcomes_out = os.pipe()
        self._pid = os.fork()
        if self._pid == 0:  # the standby: it never returns from here
            os.close(self._jobs_out)
            os.close(self._outcomes_in)
            _serve(self._examiner_for, first, jobs_in, outcomes_out)
        os.close(jobs_in)
        os.close(outcomes_out)

    def send(self, jobs: Sequence[Unread]) -> bool:
        """Hand these files to the standby, if it runs and they are few enough for it (more go to
        the pool); True when they are on their way, and `receive` will give their outcomes."""
        from cynic.examine import PARALLEL_MIN_BYTES

        if not self._pid or not jobs or sum(job.size for job in jobs) >= PARALLEL_MIN_BYTES:
            return False
        try:
            _write_all(self._jobs_out, marshal.dumps([(job.path, job.kind.value, job.absolute, job.size) for job in jobs]))
        except OSError:
            self.dismiss()
            return False
        os.close(self._jobs_out)
        self._jobs_out, self._sent = -1, len(jobs)
        return True

    def receive(self) -> list[Outcome] | None:
        """The outcomes of the files sent, in their order; None if the standby failed to give them all."""
        received = _read_all(self._outcomes_in)
        self.dismiss()
        try:
            outcomes = [_outcome(values) for values in marshal.loads(received)] if received else []
        except (EOFError, ValueError, TypeError):
            return None
        return outcomes if len(outcomes) == self._sent else None

    def dismiss(self) -> None:
        """Stop the standby (done, or never needed) and reap it."""
        if self._pid == 0:
            return
        for descriptor in (self._jobs_out, self._outcomes_in):
            if descriptor >= 0:
                os.close(descriptor)
        self._jobs_out = self._outcomes_in = -1
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it has exited already
        os.waitpid(self._pid, 0)
        self._pid = 0


def _serve(examiner_for: ExaminerFor, first: Unread, jobs_in: int, outcomes_out: int) -> None:
    """The standby's life: load the analysers of the `first` file's kind, wait for the jobs,
    analyse them, send the outcomes."""
    status = 1
    try:
        warm_up = SourceFile(path=first.path, kind=first.kind, text=_WARM_UP_TEXT.get(first.kind, "\n"))
        examiner_for({first.kind})([warm_up])  # its suffix, as the parser of its kind may read it
        received = _read_all(jobs_in)
        if received:
            jobs = [Unread(path, FileKind(kind), absolute, size) for path, kind, absolute, size in marshal.loads(received)]
            outcomes = examiner_for({job.kind for job in jobs})(jobs)
            _write_all(outcomes_out, marshal.dumps([_plain(outcome) for outcome in outcomes]))
        status = 0
    finally:
        os._exit(status)  # never the parent's exit handlers, never its buffered output


def _plain(outcome: Outcome) -> tuple[Any, ...]:
    """An outcome as plain values: why the file was skipped, or what was read and found in it."""
    if isinstance(outcome, Skipped):
        return (outcome.path, outcome.reason, outcome.incomplete)
    source, status, analysis = outcome
    assert status is not None, "a standby's jobs are all read by it"
    found = None if analysis is None else (*analysis.as_tuple(), analysis.facts_pickle)
    return (source.path, source.kind.value, source.text, source.encoding_note, source.digest,
            source.line_count, status.__reduce__()[1], found)


def _outcome(values: tuple[Any, ...]) -> Outcome:
    """The outcome `_plain` gave these values for."""
    if len(values) == 3:
        path, reason, incomplete = values
        return Skipped(path=path, reason=reason, incomplete=incomplete)
    path, kind, text, encoding_note, digest, line_count, status, found = values
    source = SourceFile(path=path, kind=FileKind(kind), text=text, encoding_note=encoding_note)
    source.digest, source.line_count = digest, line_count  # fill the cached properties
    analysis = None
    if found is not None:
        analysis = FileAnalysis.from_tuple(found[:4])
        analysis.facts_pickle = found[4]  # the facts themselves are unpickled only if a project rule reads them
    return source, os.stat_result(*status), analysis


def _read_all(descriptor: int) -> bytes:
    """Everything written to the pipe until its other end is closed."""
    chunks = []
    while chunk := os.read(descriptor, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]
