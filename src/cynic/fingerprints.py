"""Fingerprints that survive unrelated edits: rule, path and the normalised code, not the line."""

from __future__ import annotations

import hashlib
from collections import Counter

from cynic.lazy_pattern import lazy_compile

_SPACE = lazy_compile(r"\s+")


def normalise(code: str) -> str:
    """Code with whitespace folded, so reindenting or reformatting a line keeps its identity."""
    return _SPACE.sub(" ", code).strip()


class Fingerprinter:
    """Gives each (rule, path, code) its own fingerprint, numbering repeats in file order."""

    def __init__(self) -> None:
        self._seen: Counter[tuple[str, str, str]] = Counter()

    def __call__(self, rule: str, path: str, code: str) -> str:
        key = (rule, path, normalise(code))
        occurrence = self._seen[key]
        self._seen[key] += 1
        digest = hashlib.sha256("\x1f".join((*key, str(occurrence))).encode()).hexdigest()
        return digest[:20]


def code_key(code: str) -> str:
    """Code with every whitespace removed: `f(a,b)` and `f(a, b)` are the same code to a matcher."""
    return "".join(code.split())
