"""Per-file results cached by content hash, so a re-audit only re-reads what changed.

The cache lives under the repository's `.git/cynic/cache/` (or the user's cache folder when the
tree is not a git checkout). Its key names cynic's version and code, the Python version, the
parsers' libraries and the active rules: any of those changing starts a fresh cache.

Per audited tree, `audit-<tree>-<key>.marshal`, read on every audit: the stat index (which
files changed, see `file_index`), each file's hits by path and digest, the project rules' last
hits and the active rules' cards, all plain values (marshal reads them fastest), behind a
checksum. Each file's facts, by their own hash, are kept beside it (`cache_facts`) and read only
when some file's facts changed, since only then do the project rules run again. So is, in
`audit-<tree>-<key>-project.marshal`, what the project rules read of the facts to find their
last hits (`project.incremental`): with it, an edit they did not read keeps those hits. And so
are, in `audit-<tree>-<key>-journal.marshal`, the changes since the main file was last written
whole (`cache_journal`). And so are, in `audit-<tree>-<key>-lines.marshal`, the lines the last
findings read (`excerpts`), so that a warm audit need not read an unchanged file to quote it.

A cache that cannot be read (corrupt, truncated, written by something else) is ignored and
rebuilt; `problem` then says so, for the audit to pass on as a notice.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
import os
import sys
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cynic._version import __version__
from cynic.analysis import FileAnalysis, Hit, RuleCard, hits_as_tuples, hits_from_tuples
from cynic.cache_facts import FactsFiles, collector_paused, write_atomically
from cynic.cache_journal import Base, Journaled, applied, changes
from cynic.excerpts import Excerpt
from cynic.file_index import FileIndex

if TYPE_CHECKING:
    from cynic.source import SourceFile

MAGIC = b"cynic-audit-cache\x03"
# A CRC-32 tells a damaged or truncated file (zip and PNG use it so), as much as any unkeyed hash
# could: none tells a file forged on purpose. A warm audit checks the whole cache file (about
# 1 MB for a 100k-line tree), which CRC-32 does about four times cheaper than BLAKE2b.
CHECKSUM_BYTES = 4
# Libraries whose upgrade can change what a rule sees: the parsers.
PARSER_LIBRARIES = ("tree_sitter", "tree_sitter_typescript", "tree_sitter_javascript", "libcst")

RulesKey = tuple[str, ...] | None  # the active rules' codes, or None for the whole catalog


class AnalysisCache:
    """File analyses by path and digest, their facts by facts hash, the last project hits, the
    active rules' cards and (for a cache kept on disk) the stat index of the audited tree.

    `get` returns an analysis without its facts, which `facts(key)` reads on demand.
    """

    def __init__(self, path: Path | None, *, remembers: bool = True) -> None:
        """A cache saved at `path`, or, with None, one that lives only in memory (for the two
        trees of a review, whose unchanged files are analysed once). Only a cache on disk keeps
        a stat index: it belongs to one tree. One that `remembers` nothing is an audit's without
        a cache: nobody asks it again, so no file's facts are pickled for it."""
        self.path = path
        self.remembers = remembers
        self.index: FileIndex | None = None
        self.problem: str | None = None  # why the stored cache was ignored, for a notice on `path`
        self._entries: dict[str, Any] = {}  # every analysis as plain values (`FileAnalysis.as_tuple`), as saved
        self._analyses: dict[str, FileAnalysis] = {}  # those asked for or put, as objects
        self._project: tuple[str, Any] | None = None
        self._record: tuple[str, Any] | None = None  # (project key, record) once read or replaced
        self._record_dirty = False
        self._cards: tuple[Any, ...] | None = None
        self._excerpts: dict[str, Excerpt] | None = None  # once read or replaced
        self._excerpts_dirty = False
        self._facts: FactsFiles | None = None  # the facts on disk
        self._new_facts: dict[str, bytes] = {}  # pickled facts by key, not yet on disk
        self._dirty = False
        self._base: Base | None = None  # what the main file on disk holds, for a journal of the changes
        self._rewritten: set[str] = set()  # keys put again (the main file may hold them otherwise)
        if path is not None:
            self.index = FileIndex()
            self._load(path)

    def get(self, key: str) -> FileAnalysis | None:
        analysis = self._analyses.get(key)
        if analysis is None:
            values = self._entries.get(key)
            if values is None:
                return None
            analysis = self._analyses[key] = FileAnalysis.from_tuple(values)
        return analysis

    def put(self, key: str, analysis: FileAnalysis) -> None:
        if not self.remembers:
            return
        if analysis.facts_key:
            self._new_facts[analysis.facts_key] = analysis.facts_pickle or pickle_facts(analysis.facts)
        kept = self._analyses[key] = FileAnalysis(analysis.path, analysis.hits, {}, analysis.parse_error, analysis.facts_key)
        self._entries[key] = kept.as_tuple()  # so that saving writes every entry as it was read or put
        self._rewritten.add(key)
        self._dirty = True

    def facts(self, facts_key: str) -> Any | None:
        """The facts stored under `facts_key`, or None when the cache no longer has them."""
        pickled = self._new_facts.get(facts_key)
        if pickled is None and self._facts is not None:
            pickled = self._facts.get(facts_key)
        try:
            return unpickle_facts(pickled) if isinstance(pickled, bytes) else None
        except Exception:  # damaged on disk: the file is analysed again
            return None

    def project_hits(self, key: str) -> list[tuple[str, Hit]] | None:
        """The project rules' hits saved for this `key` (a hash of every file's facts), if any."""
        if self._project is None or self._project[0] != key:
            return None
        return hits_from_tuples(self._project[1])

    def put_project_hits(self, key: str, hits: list[tuple[str, Hit]], record: Any = None) -> None:
        """Keep the project rules' `hits` under `key`, with the `record` (plain values) of what
        they read to find them."""
        self._project = (key, hits_as_tuples(hits))
        self._record = (key, record)
        self._dirty = self._record_dirty = True

    def project_record(self) -> Any | None:
        """The record kept with the last project hits, if it was kept with them."""
        if self._project is None:
            return None
        if self._record is None:
            self._record = self._load_record()
        key, record = self._record or (None, None)
        return record if key == self._project[0] else None

    def _journal_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.stem + "-journal.marshal")

    def _record_path(self) -> Path | None:
        return self.path.with_name(self.path.stem + "-project.marshal") if self.path is not None else None

    def _excerpts_path(self) -> Path | None:
        return self.path.with_name(self.path.stem + "-lines.marshal") if self.path is not None else None

    def _load_record(self) -> tuple[str, Any] | None:
        """(project key, record) as last saved; None when lost or damaged (the rules then run again)."""
        loaded = self._load_marshalled(self._record_path())
        return loaded if isinstance(loaded, tuple) and len(loaded) == 2 else None

    @staticmethod
    def _load_marshalled(path: Path | None) -> Any | None:
        """The plain values a side file holds; None when it is missing or damaged."""
        try:
            payload = _unsealed(path.read_bytes()) if path is not None else None
        except OSError:
            return None
        if payload is None:
            return None
        try:
            with collector_paused():
                return marshal.loads(payload)
        except (ValueError, TypeError, EOFError):
            return None

    def excerpts(self) -> dict[str, Excerpt]:
        """The lines the last audit's findings read, by path (`cynic.excerpts`)."""
        if self._excerpts is None:
            stored = self._load_marshalled(self._excerpts_path())
            self._excerpts = {path: Excerpt(*values) for path, values in stored.items()} if isinstance(stored, dict) else {}
        return self._excerpts

    def put_excerpts(self, excerpts: dict[str, Excerpt]) -> None:
        if excerpts != self.excerpts():
            self._excerpts, self._excerpts_dirty = excerpts, True

    def catalog_cards(self) -> dict[str, RuleCard] | None:
        """The catalog's rule cards, when an audit stored them (the key covers cynic's code)."""
        if self._cards is None:
            return None
        return {values[0]: RuleCard.from_tuple(values) for values in self._cards}

    def put_catalog_cards(self, cards: Iterable[RuleCard]) -> None:
        self._cards = tuple(card.as_tuple() for card in cards)
        self._dirty = True

    def save(self, index: FileIndex, live_keys: Iterable[str]) -> None:
        """Write the cache with `index` (this audit's), keeping only the entries of files that still exist."""
        if self.path is None:
            return
        excerpts_path = self._excerpts_path()
        if self._excerpts_dirty and excerpts_path is not None and self._excerpts is not None:
            with contextlib.suppress(OSError):  # a read-only checkout audits fine without a cache
                self.path.parent.mkdir(parents=True, exist_ok=True)
                plain = {path: tuple(excerpt) for path, excerpt in self._excerpts.items()}
                write_atomically(excerpts_path, _sealed(marshal.dumps(plain)))
                self._excerpts_dirty = False
        live = set(live_keys)
        assert self.index is not None
        if not self._dirty and live == set(self._entries) and index.entries == self.index.entries:
            return
        analyses = {key: self._entries[key] for key in live if key in self._entries}
        facts = self._facts = self._facts or FactsFiles(self.path, frozenset(), frozenset())
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            facts.save({values[3] for values in analyses.values() if values[3]}, self._new_facts)
            stored = (facts.stored, facts.recent)
            journal = None if self._base is None else changes(self._base, index.entries, analyses, self._rewritten,
                                                                  self._project, self._cards, stored)
            if journal is not None:
                write_atomically(self._journal_path(), _sealed(marshal.dumps(journal)))
            else:
                payload = marshal.dumps((index.entries, analyses, self._project, self._cards, stored))
                write_atomically(self.path, _sealed(payload))
                self._journal_path().unlink(missing_ok=True)
                self._remove_stale(facts)  # a cache of another key starts with its main file written whole
            record_path = self._record_path()
            if self._record_dirty and record_path is not None:
                write_atomically(record_path, _sealed(marshal.dumps(self._record)))
        except OSError:
            pass  # a read-only checkout audits fine without a cache

    def _load(self, path: Path) -> None:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as error:
            self.problem = f"the audit cache cannot be read ({error.strerror or error}); the audit ran without it"
            return
        payload = _unsealed(data)
        if payload is None:
            self.problem = "the audit cache is corrupt or was not written by cynic; it was ignored and rebuilt"
            return
        try:
            with collector_paused():
                index, self._entries, self._project, self._cards, stored = marshal.loads(payload)
        except (ValueError, TypeError, EOFError):
            self.problem = "the audit cache was written in another format; it was ignored and rebuilt"
            self._entries, self._project, self._cards = {}, None, None
            return
        self._base = Base(_checksum(payload), index, frozenset(self._entries), stored)
        journaled = self._journaled()
        if journaled is not None:
            index, self._project, self._cards, stored = journaled
        self.index = FileIndex(index)
        self._facts = FactsFiles(path, *stored)

    def _journaled(self) -> Journaled | None:
        """The main file's state with the journal's changes, when there is a journal for it."""
        assert self._base is not None
        try:
            payload = _unsealed(self._journal_path().read_bytes())
        except OSError:
            return None
        if payload is None:
            return None
        with collector_paused():
            return applied(payload, self._base, self._entries)

    def _remove_stale(self, facts: FactsFiles) -> None:
        """Delete this tree's caches of other cynic versions, rules or formats."""
        assert self.path is not None
        tree = self.path.name.split("-")[:2]
        for stale in self.path.parent.glob("-".join(tree) + "-*"):
            if stale not in (self.path, facts.full_path, facts.recent_path, self._record_path(), self._journal_path(),
                             self._excerpts_path()):
                stale.unlink(missing_ok=True)


def _checksum(payload: bytes) -> bytes:
    return zlib.crc32(payload).to_bytes(CHECKSUM_BYTES, "big")


def _sealed(payload: bytes) -> bytes:
    """A cache file's bytes: cynic's magic, the payload's checksum, the payload."""
    return MAGIC + _checksum(payload) + payload


def _unsealed(data: bytes) -> bytes | None:
    """The payload of `_sealed` bytes; None when they were not written by cynic or are damaged."""
    payload = data[len(MAGIC) + CHECKSUM_BYTES:]
    if not data.startswith(MAGIC) or data[len(MAGIC):len(MAGIC) + CHECKSUM_BYTES] != _checksum(payload):
        return None
    return payload


def file_key(source: SourceFile) -> str:
    """What a file's analysis is cached under: its path and the digest of its content."""
    return f"{source.path}\0{source.digest}"


def seal_facts(analysis: FileAnalysis) -> None:
    """Give `analysis` its facts' pickle and the key made from it, for a cache to store."""
    analysis.facts_pickle = pickle_facts(analysis.facts)
    analysis.facts_key = facts_key(analysis.facts_pickle)


def pickle_facts(facts: dict[str, Any]) -> bytes:
    """One file's facts as bytes (none: empty bytes), made once per analysis and reused for its
    key, its trip from a worker process and its place in the cache."""
    import pickle  # here, as in unpickle_facts: an audit served from the cache pickles nothing

    return pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL) if facts else b""


def unpickle_facts(pickled: bytes) -> dict[str, Any]:
    import pickle

    return pickle.loads(pickled) if pickled else {}  # type: ignore[no-any-return]


def facts_key(pickled: bytes) -> str:
    """A hash of one file's pickled facts: equal facts, equal key (no facts: the empty string)."""
    return hashlib.sha256(pickled).hexdigest()[:24] if pickled else ""


def cache_file(root: Path, rules: RulesKey) -> Path:
    """Where the cache for auditing `root` with these rules (None: the whole catalog) lives."""
    where = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    named = "catalog" if rules is None else "\x1f".join(sorted(rules))
    key = hashlib.sha256("\x1f".join([__version__, sys.version, _code_stamp(), named]).encode()).hexdigest()[:12]
    git_dir = root / ".git"
    if git_dir.is_dir():
        folder = git_dir / "cynic" / "cache"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cynic"
    return folder / f"audit-{where}-{key}.marshal"


def _code_stamp() -> str:
    """Size and mtime of cynic's own modules and of the parsers' libraries: an edited rule or an
    upgraded grammar must not be served stale results."""
    stamps = []
    package = os.path.dirname(__file__)
    for folder, subfolders, files in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stamps.append(_stamp(os.path.join(folder, name)))
    for library in PARSER_LIBRARIES:
        spec = importlib.util.find_spec(library)
        stamps.append(_stamp(spec.origin) if spec is not None and spec.origin else f"{library}: absent")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


def _stamp(path: str) -> str:
    status = os.stat(path)
    return f"{path}:{status.st_size}:{status.st_mtime_ns}"
