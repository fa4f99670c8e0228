"""The audit cache's journal: what changed since the cache's main file was written, kept beside it.

An audit after an edit changes a few of the main file's entries (the edited file's stat record
and analysis), but writing the main file again means marshalling every entry (about 0.8 MB for
a 100k-line tree): some six percent of a warm audit's work. So the changes since the main file
was written go to `<cache>-journal.marshal` instead, which names the main file it applies to by
its checksum. Once they concern more than a tenth of the entries, the main file is written whole
again and the journal removed.

A journal that names another main file, or cannot be read, is ignored. That loses time, never
correctness: every stat record the main file holds is still checked against the file's present
stat, and every analysis is found by the file's content hash.
"""

from __future__ import annotations

import marshal
from typing import Any, NamedTuple

from cynic.file_index import Recorded

JOURNAL_SHARE = 10  # write the main file whole once the changes concern more than 1/JOURNAL_SHARE of the entries
JOURNAL_MINIMUM = 64  # ...and more than this many

# (main file's checksum, stat records changed, paths gone, analyses added or rewritten, their
# keys gone, project hits, rule cards, facts keys (None: the main file's))
Changes = tuple[bytes, dict[str, Recorded], tuple[str, ...], dict[str, Any], tuple[str, ...], Any, Any, Any]


class Base(NamedTuple):
    """What the main file holds: its checksum, its stat index, its analyses' keys, its facts' keys."""

    checksum: bytes
    index: dict[str, Recorded]
    keys: frozenset[str]
    stored: Any


class Journaled(NamedTuple):
    """The cache's state once a journal is applied to its main file."""

    index: dict[str, Recorded]
    project: Any
    cards: Any
    stored: Any


def changes(base: Base, index: dict[str, Recorded], analyses: dict[str, Any], rewritten: set[str],
            project: Any, cards: Any, stored: Any) -> Changes | None:
    """The journal that makes the main file `base` hold this state (`rewritten`: keys of the
    main file's analyses put again); None when the main file should be written whole."""
    recorded = base.index.get
    changed = {path: record for path, record in index.items() if recorded(path) != record}
    gone = tuple(base.index.keys() - index.keys())
    added = (analyses.keys() - base.keys) | (rewritten & analyses.keys())
    removed = tuple(base.keys - analyses.keys())
    if len(changed) + len(gone) + len(added) + len(removed) > max(JOURNAL_MINIMUM, len(analyses) // JOURNAL_SHARE):
        return None
    return (base.checksum, changed, gone, {key: analyses[key] for key in added}, removed, project, cards,
            None if stored == base.stored else stored)


def applied(payload: bytes, base: Base, entries: dict[str, Any]) -> Journaled | None:
    """The state the journal `payload` records over the main file `base`, whose analyses
    (`entries`) it updates in place; None (nothing changed) when it names another main file or
    cannot be read."""
    try:
        checksum, changed, gone, added, removed, project, cards, stored = marshal.loads(payload)
    except (ValueError, TypeError, EOFError):
        return None
    if checksum != base.checksum:
        return None
    index = {**base.index, **changed}
    for path in gone:
        index.pop(path, None)
    entries.update(added)
    for key in removed:
        entries.pop(key, None)
    return Journaled(index, project, cards, base.stored if stored is None else stored)
