"""Per-file results cached by content hash, so a re-audit only re-reads what changed.

The cache lives under the repository's `.git/cynic/cache/` (or the user's cache folder when the
tree is not a git checkout). Its key names cynic's version, the Python version and the active
rules: any of those changing starts a fresh cache.

Two files per audited tree: a small one with each file's hits and the project rules' last
hits (read on every audit), and a larger one with each file's facts by their own hash (read
only when some file's facts changed, since only then do the project rules run again).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cynic._version import __version__


class AnalysisCache:
    """File analyses by path and digest, their facts by facts hash, and the last project hits.

    An analysis is anything with `facts` (a dict) and `facts_key` (the hash of those facts) fields;
    `get` returns it without its facts, which `facts(key)` reads on demand.
    """

    def __init__(self, path: Path | None) -> None:
        """A cache saved at `path`, or, with None, one that lives only in memory (for the two
        trees of a review, whose unchanged files are analysed once)."""
        self.path = path
        self._entries: dict[str, Any] = {}
        self._project: tuple[str, Any] | None = None
        self._stored_facts: frozenset[str] = frozenset()  # facts keys in the facts file
        self._facts: dict[str, Any] | None = None  # the facts file, once read
        self._new_facts: dict[str, Any] = {}
        self._dirty = False
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    stored = pickle.load(handle)
                self._entries, self._project, self._stored_facts = stored["entries"], stored["project"], stored["facts"]
            except Exception:  # a corrupt or foreign cache is simply rebuilt
                self._entries, self._project, self._stored_facts = {}, None, frozenset()

    def get(self, key: str) -> Any | None:
        return self._entries.get(key)

    def put(self, key: str, analysis: Any) -> None:
        if analysis.facts_key:
            self._new_facts[analysis.facts_key] = analysis.facts
        self._entries[key] = dataclasses.replace(analysis, facts={})
        self._dirty = True

    def facts(self, facts_key: str) -> Any | None:
        """The facts stored under `facts_key`, or None when the cache no longer has them."""
        if facts_key in self._new_facts:
            return self._new_facts[facts_key]
        return self._facts_file().get(facts_key)

    def project_hits(self, key: str) -> Any | None:
        """The project rules' hits saved for this `key` (a hash of every file's facts), if any."""
        return self._project[1] if self._project is not None and self._project[0] == key else None

    def put_project_hits(self, key: str, hits: Any) -> None:
        self._project = (key, hits)
        self._dirty = True

    def save(self, live_keys: Iterable[str]) -> None:
        """Write the cache, keeping only the entries of files that still exist."""
        if self.path is None:
            return
        live = set(live_keys)
        if not self._dirty and live == set(self._entries):
            return
        entries = {key: self._entries[key] for key in live if key in self._entries}
        live_facts = {entry.facts_key for entry in entries.values() if entry.facts_key}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            stored_facts = self._stored_facts
            if not live_facts <= stored_facts or len(stored_facts) > 2 * len(live_facts):
                known = {**self._facts_file(), **self._new_facts}
                _write(self._facts_path(), {key: known[key] for key in live_facts if key in known})
                stored_facts = frozenset(live_facts & known.keys())
            _write(self.path, {"entries": entries, "project": self._project, "facts": stored_facts})
            where = self.path.name.rsplit("-", 1)[0]
            for stale in self.path.parent.glob(f"{where}-*.pickle"):
                if stale not in (self.path, self._facts_path()):
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only checkout audits fine without a cache

    def _facts_path(self) -> Path:
        assert self.path is not None
        return self.path.with_name(self.path.stem + "-facts.pickle")

    def _facts_file(self) -> dict[str, Any]:
        if self._facts is None:
            self._facts = {}
            if self.path is not None and self._stored_facts:
                try:
                    with self._facts_path().open("rb") as handle:
                        self._facts = pickle.load(handle)
                except Exception:  # lost or corrupt: the files whose facts are missing are analysed again
                    self._facts = {}
        return self._facts


def facts_key(facts: dict[str, Any]) -> str:
    """A hash of one file's facts: equal facts, equal key (empty facts: the empty string)."""
    if not facts:
        return ""
    return hashlib.sha256(pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()[:24]


def _write(path: Path, data: Any) -> None:
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(handle.name, path)


def cache_file(root: Path, rule_codes: Iterable[str]) -> Path:
    """Where the cache for auditing `root` with these rules lives."""
    where = hashlib.sha256(str(root).encode()).hexdigest()[:12]
    key = hashlib.sha256(
        "\x1f".join([__version__, sys.version, _code_stamp(), *sorted(rule_codes)]).encode()
    ).hexdigest()[:12]
    git_dir = root / ".git"
    if git_dir.is_dir():
        folder = git_dir / "cynic" / "cache"
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cynic"
    return folder / f"audit-{where}-{key}.pickle"


def _code_stamp() -> str:
    """Size and mtime of cynic's own modules: an edited rule must not be served stale results."""
    package = Path(__file__).parent
    stamps = []
    for module in sorted(package.rglob("*.py")):
        status = module.stat()
        stamps.append(f"{module.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()
