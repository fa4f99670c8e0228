"""Per-file results cached by content hash, so a re-audit only re-reads what changed.

The cache lives under the repository's `.git/cynic/cache/` (or the user's cache folder when the
tree is not a git checkout). Its key names cynic's version, the Python version and the active
rules: any of those changing starts a fresh cache.
"""

from __future__ import annotations

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
    """A dict from file digest to that file's analysis, loaded once and saved once per audit."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, Any] = {}
        self._dirty = False
        if path is not None and path.is_file():
            try:
                with path.open("rb") as handle:
                    self._entries = pickle.load(handle)
            except Exception:  # a corrupt or foreign cache is simply rebuilt
                self._entries = {}

    def get(self, digest: str) -> Any | None:
        return self._entries.get(digest)

    def put(self, digest: str, analysis: Any) -> None:
        self._entries[digest] = analysis
        self._dirty = True

    def save(self, live_digests: Iterable[str]) -> None:
        """Write the cache, keeping only the entries of files that still exist."""
        if self.path is None:
            return
        live = set(live_digests)
        if not self._dirty and live == set(self._entries):
            return
        entries = {digest: self._entries[digest] for digest in live if digest in self._entries}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=self.path.parent, delete=False) as handle:
                pickle.dump(entries, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(handle.name, self.path)
            where = self.path.name.rsplit("-", 1)[0]
            for stale in self.path.parent.glob(f"{where}-*.pickle"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only checkout audits fine without a cache


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
