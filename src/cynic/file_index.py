"""Which files changed since the last audit, told by their stat, as git's index tells it.

The cache records, for each file it read, the stat it read it under (size, mtime, ctime, inode)
and what the content gave (digest, line count, encoding note). A file whose stat still matches
is not read or hashed again: it becomes a `KnownSource`, whose text is read only if something
needs it (the evidence line of a finding, its suppressions), and checked against the digest then.

The content hash stays the truth whenever the stat cannot be trusted:

- the ctime changes on every write and on every `touch -d` or `os.utime`, so a file edited and
  given its old size and mtime back is still read again;
- a file changed within `SETTLE_NS` before the audit started is not recorded (racy: a second
  write within the file system's timestamp granularity could leave the stat unchanged), so it is
  read and hashed on every audit until it has settled.
"""

from __future__ import annotations

import os
import time
from functools import cached_property

from cynic.source import FileKind, SourceFile, kind_of

SETTLE_NS = 2_000_000_000  # covers the coarsest common timestamp granularity (FAT: 2 s)

# (size, mtime_ns, ctime_ns, inode, digest, line count, encoding note): plain values, for the cache
Recorded = tuple[int, int, int, int, str, int, "str | None"]


class SourceChanged(Exception):
    """A file the index called unchanged had other content when it was finally read."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path} changed while it was being audited")
        self.path = path

    def __reduce__(self) -> tuple[type[SourceChanged], tuple[str]]:  # raised in a worker, re-raised here
        return SourceChanged, (self.path,)


class FileIndex:
    """What each file's stat was when the audit read it, and what its content gave."""

    def __init__(self, entries: dict[str, Recorded] | None = None, *, settled_before_ns: int | None = None) -> None:
        """An index holding `entries`; a file changed at or after `settled_before_ns` (default:
        `SETTLE_NS` before now) is not recorded."""
        self.entries: dict[str, Recorded] = entries or {}
        self.settled_before_ns = time.time_ns() - SETTLE_NS if settled_before_ns is None else settled_before_ns

    def recorded(self, path: str) -> bool:
        """Whether `path` was read by the audit that made this index (whatever its stat now)."""
        return path in self.entries

    def known(self, path: str, absolute: str, status: os.stat_result) -> KnownSource | None:
        """The file as recorded, when `status` is the stat it was recorded under; else None."""
        entry = self.entries.get(path)
        if entry is None or entry[:4] != (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino):
            return None
        return KnownSource(path, absolute, entry)

    def record(self, source: SourceFile, status: os.stat_result) -> None:
        """Remember `source`, read under `status`, unless it changed too recently to trust its stat."""
        if max(status.st_mtime_ns, status.st_ctime_ns) >= self.settled_before_ns:
            return
        self.entries[source.path] = (
            status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino,
            source.digest, source.line_count, source.encoding_note,
        )

    def keep(self, source: KnownSource) -> None:
        """Carry an unchanged file's record over to this index."""
        self.entries[source.path] = source.recorded


class KnownSource(SourceFile):
    """A file whose stat matches the index: digest, line count and encoding note come from the
    record; the text is read on first use and must hash to the recorded digest."""

    def __init__(self, path: str, absolute: str, recorded: Recorded) -> None:
        self.path, self.tree = path, None
        self.absolute, self.recorded = absolute, recorded
        self.encoding_note = recorded[6]
        self.digest = recorded[4]  # fills the cached property: the content is not hashed again
        self.line_count = recorded[5]

    @cached_property
    def kind(self) -> FileKind:  # type: ignore[override]  # a field on SourceFile, told by the path here
        """What the path says, as when it was recorded (a path's kind depends on nothing else)."""
        kind = kind_of(self.path)
        assert kind is not None, "only files of a kind some rule reads are recorded"
        return kind

    @cached_property
    def text(self) -> str:  # type: ignore[override]  # a field on SourceFile, read lazily here
        from cynic.walk import read_source

        fresh = read_source(self.absolute, self.path, self.kind)
        if not isinstance(fresh, SourceFile) or fresh.digest != self.digest:
            raise SourceChanged(self.path)
        return fresh.text

    def __repr__(self) -> str:
        return f"KnownSource(path={self.path!r}, kind={self.kind!r}, digest={self.digest[:12]!r})"
