"""What project rules read of the facts, so that an edit they did not read can keep their hits.

Project rules are a function of the facts alone. While they run, everything they learn from the
facts passes through a reader that notes what it was asked: an extractor's facts taken whole
(`Project.facts_of`), or, through the Python symbol table, a view listed for every module
(its routes, its classes...), a name looked up in one module, an import head followed in one
module. When a later audit finds some files' facts changed, and each changed file answers every
one of those questions exactly as before, the rules would read the same values, take the same
steps and report the same hits (and read the same things again): their last hits stand.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

PYTHON = "python"  # the extractor whose facts the symbol table reads question by question

# The reads as plain values, for the cache: (extractors read whole, views listed for every module,
# {module: names looked up in it}, {module: import heads followed in it}); the names asked of one
# module are one string, joined by _SEPARATOR (no name holds it), so the cache loads quickly.
Reads = tuple[tuple[str, ...], tuple[str, ...], dict[str, str], dict[str, str]]
_SEPARATOR = "\0"


class FactReads:
    """Notes the questions a group of project rules asks of the facts in one run."""

    def __init__(self) -> None:
        self.whole: set[str] = set()  # extractors whose facts were read in full
        self.views: set[str] = set()  # Python module views listed for every module (MODULE_VIEWS)
        self.names: defaultdict[str, set[str]] = defaultdict(set)  # module -> names looked up in it
        self.imports: defaultdict[str, set[str]] = defaultdict(set)  # module -> import heads followed

    def as_plain(self) -> Reads:
        return (
            tuple(sorted(self.whole)),
            tuple(sorted(self.views)),
            {module: _SEPARATOR.join(names) for module, names in self.names.items()},
            {module: _SEPARATOR.join(heads) for module, heads in self.imports.items()},
        )


def same_answers(reads: Reads, extractors: frozenset[str], old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether one file's `new` facts answer every question in `reads` as its `old` facts did,
    for the `extractors` the rules could read (a file's facts by extractor name; a file that did
    not exist has none)."""
    whole = reads[0]
    for name in extractors:
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name != PYTHON or name in whole or before is None or after is None:
            return False
        if not _same_python_answers(reads, before, after):
            return False
    return True


def _same_python_answers(reads: Reads, before: Any, after: Any) -> bool:
    from cynic.project._symbols import MODULE_VIEWS, module_definitions

    _, views, names, imports = reads
    module = before.module
    if after.module != module:
        return False
    if any(MODULE_VIEWS[view](before) != MODULE_VIEWS[view](after) for view in views):
        return False
    if module in names:
        defined_before, defined_after = module_definitions(before), module_definitions(after)
        if any(defined_before.get(name) != defined_after.get(name) for name in names[module].split(_SEPARATOR)):
            return False
    if module in imports:
        imported_before, imported_after = dict(before.imports), dict(after.imports)
        if any(imported_before.get(head) != imported_after.get(head) for head in imports[module].split(_SEPARATOR)):
            return False
    return True
