"""The facts half of the audit cache: every file's pickled facts by their hash, in two pickle files.

Facts are read only when some file's facts changed (the project rules then run again over all
of them) and they are large (about 5 MB for a 100k-line tree). So that an edit does not rewrite
them all, `<cache>-facts.pickle` holds the facts as of the last compaction and
`<cache>-facts-recent.pickle` those added since; the recent file is rewritten on each change and
folded into the full one once it holds more than a tenth of the tree's facts, or when more than
half of what is stored belongs to files that changed since.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RECENT_SHARE = 10  # fold the recent file in once it holds more than 1/RECENT_SHARE of the live facts
RECENT_MINIMUM = 64  # ...and more than this many entries


class FactsFiles:
    """Facts by key, read from both files on first use; the keys each file holds are known
    without reading them (the main cache file lists them)."""

    def __init__(self, cache_path: Path, stored: frozenset[str], recent: frozenset[str]) -> None:
        self.full_path = cache_path.with_name(cache_path.stem + "-facts.pickle")
        self.recent_path = cache_path.with_name(cache_path.stem + "-facts-recent.pickle")
        self.stored, self.recent = stored, recent  # every key on disk; those in the recent file
        self._loaded: dict[str, bytes] | None = None
        self._recent_loaded: dict[str, bytes] | None = None

    def get(self, key: str) -> bytes | None:
        if key not in self.stored:
            return None
        if self._loaded is None and key in self.recent:
            return self._recent().get(key)  # the small file alone: the facts of a file edited lately
        return self._all().get(key)

    def save(self, live: set[str], new: dict[str, bytes]) -> None:
        """Store the `live` facts (those of the files audited), taking the ones not yet on disk from `new`."""
        missing = {key: new[key] for key in live - self.stored if key in new}
        if not missing and len(self.stored) <= 2 * len(live):
            return
        small = len(self.recent) + len(missing) <= max(RECENT_MINIMUM, len(live) // RECENT_SHARE)
        if missing and small and self.stored - self.recent and len(self.stored) <= 2 * len(live):
            kept_recent = {key: value for key, value in self._recent().items() if key in live}
            self._recent_loaded = {**kept_recent, **missing}
            _write(self.recent_path, self._recent_loaded)
            self.stored = (self.stored - (self.recent - kept_recent.keys())) | missing.keys()
            self.recent = frozenset(kept_recent) | missing.keys()
            return
        known = {**self._all(), **new}
        kept = {key: known[key] for key in live if key in known}
        _write(self.full_path, kept)
        self.recent_path.unlink(missing_ok=True)
        self._recent_loaded = {}
        self.stored, self.recent = frozenset(kept), frozenset()

    def _all(self) -> dict[str, bytes]:
        if self._loaded is None:
            recent = self._recent()
            self._loaded = {**_read(self.full_path), **recent} if self.stored - self.recent else recent
            # What a lost or damaged file held is no longer stored: the next save writes it again.
            self.stored, self.recent = frozenset(self._loaded), self.recent & recent.keys()
        return self._loaded

    def _recent(self) -> dict[str, bytes]:
        if self._recent_loaded is None:
            self._recent_loaded = _read(self.recent_path) if self.recent else {}
        return self._recent_loaded


def _read(path: Path) -> dict[str, bytes]:
    """The facts in `path`; none when it is lost or corrupt (their files are then analysed again)."""
    import pickle  # here and below: an audit served from the cache reads and writes no facts

    try:
        with collector_paused():
            facts = pickle.loads(path.read_bytes())
    except Exception:
        return {}
    return facts if isinstance(facts, dict) else {}


def _write(path: Path, facts: dict[str, bytes]) -> None:
    import pickle

    write_atomically(path, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` with `data`: a reader sees the old file or the new one, never half of one.

    The file is first written beside it under a name of this process's own (no two running
    processes share an id), which `tempfile` would give too, at the cost of importing it."""
    written = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(written, "wb") as handle:
        handle.write(data)
    os.replace(written, path)


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection while a cache is loaded: it would rescan the objects being created,
    many times over (three times the load itself, for the facts); and none of them afterwards
    either: what is loaded is kept for the whole audit, so it is frozen out of the collector's
    generations (the audit unfreezes everything when it ends)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
