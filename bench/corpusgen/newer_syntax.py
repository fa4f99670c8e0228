"""A corpus variant for the parser fallback: some Python files use PEP 758 `except A, B:`.

Python 3.11's `ast` rejects that syntax, so cynic reads those files with libcst's newer grammar
and rewrites them line for line; this variant measures what that fallback costs.
"""

from __future__ import annotations

import random

from corpusgen.tree import Tree

_GUARD = '''

def _parse_limit(value: str | None) -> int | None:
    """Page size from a query string, or None when it is not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError, TypeError:
        return None
'''


def use_newer_syntax(tree: Tree, share: float, seed: int) -> list[str]:
    """Append a PEP 758 handler to `share` of the Python files (seeded); return their paths."""
    python = sorted(path for path in tree.files if path.endswith(".py"))
    chosen = sorted(random.Random(seed).sample(python, round(len(python) * share))) if share > 0 else []
    for path in chosen:
        tree.files[path] = tree.files[path].rstrip("\n") + "\n" + _GUARD
    return chosen
