"""The project model: facts each file contributes, merged once per audit for every project rule.

A fact extractor reads one parsed file and returns a small, picklable summary of what the
project rules need from it (routes, routers, models, settings, storage wrappers...). Facts are
cached by the file's content hash and computed in worker processes, so project rules read facts,
never parse trees.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple, TypeVar

import msgspec

from cynic.project.reads import FactReads
from cynic.source import FileKind, SourceFile

T = TypeVar("T")


class Fact(msgspec.Struct, frozen=True, gc=False):
    """The base of every fact class: immutable once extracted, compared and hashed by value.

    A struct rather than a dataclass because facts are built by the thousand per audit, sent
    from worker processes and unpickled from the cache, and a struct class is much cheaper to
    define, build and unpickle. Facts hold only immutable values (strings, numbers, tuples,
    other facts), so none can be part of a reference cycle: `gc=False` spares the garbage
    collector from tracking them.
    """


class FactExtractor(NamedTuple):
    """A named function from one parsed file of the given kinds to that file's facts, imported on
    first use: an audit that re-reads one Python file never loads the script extractor."""

    name: str
    kinds: frozenset[FileKind]
    defined_in: str  # "module:function"

    def extract(self, source: SourceFile) -> Any:
        """The facts of one parsed file."""
        return _resolved(self.defined_in)(source)


_resolved = cache(pkgutil.resolve_name)  # "module:name" -> the object, imported once


@dataclass
class Project:
    """What project rules see: every file read, and each extractor's facts by path.

    `reads` notes what the rules read of the facts (see `project.reads`): `facts_of` counts as
    reading the extractor's facts whole; a model that notes its own, finer reads takes the facts
    from `unnoted_facts_of`.
    """

    files: dict[str, SourceFile]
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)
    reads: FactReads = field(default_factory=FactReads, repr=False)
    _derived: dict[str, Any] = field(default_factory=dict, repr=False)

    def facts_of(self, extractor: str) -> Iterator[tuple[str, Any]]:
        """(path, facts) for every file the named extractor read, in path order."""
        self.reads.whole.add(extractor)
        return self.unnoted_facts_of(extractor)

    def unnoted_facts_of(self, extractor: str) -> Iterator[tuple[str, Any]]:
        """`facts_of` for a model that notes in `reads` what it reads of these facts itself."""
        by_path = self.facts.get(extractor, {})
        for path in sorted(by_path):
            yield path, by_path[path]

    def derived(self, key: str, build: Callable[[Project], T]) -> T:
        """A whole-project view (the FastAPI app model...) built once and shared by all rules."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return self._derived[key]
