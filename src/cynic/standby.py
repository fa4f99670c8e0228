"""A process forked when a warm audit meets a changed file, to analyse it while the tree is listed.

A warm audit mostly finds a file or two changed, and analysing one costs far less than loading
what analyses it: the parser, the fact extractors, the rules and the libraries they use take
about a sixth of such an audit. As soon as the listing meets a file whose content is new, the
standby is forked; it loads all of that (by analysing a one-line file of that kind) on the other core
while this process lists the rest of the tree and reads the changed files. Those whose content
the cache does not hold are sent to the standby, which analyses them and sends back plain values
(marshal), so that this process never loads the analysers at all. The listing reads each changed
file as it meets it until one has new content: a file touched but not changed forks nothing.

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
from cynic.cache import file_key
from cynic.models import Skipped
from cynic.source import FileKind, SourceFile
from cynic.walk import Unread, read_unread

if TYPE_CHECKING:
    from cynic.cache import AnalysisCache
    from cynic.examine import Examiner, Outcome

ExaminerFor = Callable[[Collection[FileKind]], "Examiner"]  # the examiner of files of these kinds
Read = tuple[SourceFile, os.stat_result] | Skipped  # a file read, with its stat; or why it could not be
# One line whose analysis loads what analysing a file of its kind needs (for the other kinds,
# whose analysers are light, a line break).
_WARM_UP_TEXT = {FileKind.PYTHON: "import os\n", FileKind.SCRIPT: "export {};\n"}


class Standby:
    """A process to fork when the listing meets a file whose content is new, and its pipes (see
    the module's docstring): it is forked at most once, and only where that is safe and can help."""

    def __init__(self, examiner_for: ExaminerFor, cache: AnalysisCache) -> None:
        self._examiner_for, self._cache = examiner_for, cache
        self._pid, self._jobs_out, self._outcomes_in = 0, -1, -1
        # Forking is unsafe while other threads run, impossible on some systems, useless on one core.
        self._declined = (os.cpu_count() or 1) < 2 or threading.active_count() > 1 or not hasattr(os, "fork")
        self._early: dict[str, Read] = {}  # files read while the tree was listed, by path
        self._met_bytes = 0  # the size of the files met so far
        self._read: list[Read] = []  # the files `send` was given, read
        self._fresh: set[str] = set()  # the paths of those the standby analyses

    def meet(self, unread: Unread) -> None:
        """Told of each file still to read as the tree is listed: until the standby is forked,
        read it here, and fork the standby at the first whose content the cache does not hold
        (a file touched but not changed forks nothing)."""
        from cynic.examine import PARALLEL_MIN_BYTES

        if self._pid or self._declined:
            return
        self._met_bytes += unread.size
        if self._met_bytes >= PARALLEL_MIN_BYTES:  # the pool's work: its workers read the files
            self._declined = True
            return
        read = self._early[unread.path] = read_unread(unread)
        if not isinstance(read, Skipped) and self._cache.get(file_key(read[0])) is None:
            self._start(unread)

    def _start(self, first: Unread) -> None:
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
        """Read these files here (unless read already), and hand the standby those whose content
        the cache does not hold; unless they are too many (the pool's work) or there is no
        standby to analyse them. True when their outcomes will come from `receive`."""
        from cynic.examine import PARALLEL_MIN_BYTES

        if not jobs or sum(job.size for job in jobs) >= PARALLEL_MIN_BYTES:
            return False
        early = self._early
        self._read = [early[job.path] if job.path in early else read_unread(job) for job in jobs]
        fresh = [read[0] for read in self._read if not isinstance(read, Skipped) and self._cache.get(file_key(read[0])) is None]
        self._fresh = {source.path for source in fresh}
        if not fresh:
            self.dismiss()
            return True
        if not self._pid:
            return False
        try:
            _write_all(self._jobs_out, marshal.dumps([(source.path, source.kind.value, source.text, source.encoding_note)
                                                      for source in fresh]))
        except OSError:
            self.dismiss()
            return False
        os.close(self._jobs_out)
        self._jobs_out = -1
        return True

    def receive(self) -> list[Outcome] | None:
        """The outcome of each file sent, in their order: as read here, with the standby's analysis
        when its content was new; None if the standby failed to analyse them all."""
        analyses: list[FileAnalysis] = []
        if self._fresh:
            received = _read_all(self._outcomes_in)
            self.dismiss()
            try:
                analyses = [_analysis(values) for values in marshal.loads(received)] if received else []
            except (EOFError, ValueError, TypeError):
                return None
            if len(analyses) != len(self._fresh):
                return None
        fresh = iter(analyses)
        return [read if isinstance(read, Skipped) else (*read, next(fresh) if read[0].path in self._fresh else None)
                for read in self._read]

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
    """The standby's life: load the analysers of the `first` file's kind, wait for the files,
    analyse them, send the analyses."""
    status = 1
    try:
        warm_up = SourceFile(path=first.path, kind=first.kind, text=_WARM_UP_TEXT.get(first.kind, "\n"))
        examiner_for({first.kind})([warm_up])  # its suffix, as the parser of its kind may read it
        received = _read_all(jobs_in)
        if received:
            sources = [SourceFile(path=path, kind=FileKind(kind), text=text, encoding_note=note)
                       for path, kind, text, note in marshal.loads(received)]
            outcomes = examiner_for({source.kind for source in sources})(sources)  # read already: none is skipped
            _write_all(outcomes_out, marshal.dumps([_plain(analysis) for _, _, analysis in outcomes]))  # type: ignore[misc]
        status = 0
    finally:
        os._exit(status)  # never the parent's exit handlers, never its buffered output


def _plain(analysis: FileAnalysis | None) -> tuple[Any, ...]:
    """An analysis as plain values, its facts pickled (the auditing process unpickles them only if
    a project rule reads them)."""
    assert analysis is not None, "the standby is sent only files whose content the cache does not hold"
    return (*analysis.as_tuple(), analysis.facts_pickle)


def _analysis(values: tuple[Any, ...]) -> FileAnalysis:
    """The analysis `_plain` gave these values for."""
    analysis = FileAnalysis.from_tuple(values[:4])
    analysis.facts_pickle = values[4]
    return analysis


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
