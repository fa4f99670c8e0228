"""The project rules' hits for one audit, computed again only where an edit changed what they read.

Project rules are grouped by the extractors whose facts they read (`ProjectRule.extractors`):
the Python rules share one FastAPI model, the script rules the script facts. A group runs over a
project holding only those facts, and notes what it read of them (`project.reads`).

When no file's facts changed, the audit takes the last hits from the cache without coming here.
When some did, each group's last hits still stand if every changed file answers every question
the group asked of the facts exactly as before (adding a function nobody calls, editing a
TypeScript file for the Python rules): the group would take the same steps to the same hits.
The other groups run again, and only the facts of the file kinds they read are loaded for them.

When the per-file pass is shared with workers and a group is sure to run again, it runs during
that pass instead (`GroupsAhead`): as soon as the files of the kinds it reads are analysed, while
the workers go on with the other files.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cynic.analysis import FileAnalysis, Hit, hits_as_tuples, hits_from_tuples
from cynic.cache_facts import collector_paused
from cynic.project.reads import Reads, same_answers
from cynic.source import FileKind, SourceFile

if TYPE_CHECKING:
    from cynic.cache import AnalysisCache
    from cynic.rules.base import ProjectRule, Rule

ProjectHits = list[tuple[str, Hit]]
Record = tuple[dict[str, str], tuple[Any, ...]]  # every file's facts key, each group's result (plain)
Reanalyze = Callable[[list[SourceFile]], Iterable[FileAnalysis]]  # files whose facts the cache lost

# Vouching for an old result costs two unpickled facts per changed file; past this many changed
# files (a checkout of another branch), running the rules again costs less than looking.
MAX_CHANGES_CHECKED = 50


@dataclass(frozen=True)
class GroupResult:
    """One group's hits and what it read of the facts (of its `extractors`) to find them."""

    codes: tuple[str, ...]
    extractors: frozenset[str]
    hits: ProjectHits
    reads: Reads

    def as_plain(self) -> tuple[Any, ...]:
        return self.codes, tuple(sorted(self.extractors)), hits_as_tuples(self.hits), self.reads

    @classmethod
    def from_plain(cls, values: tuple[Any, ...]) -> GroupResult:
        codes, extractors, hits, reads = values
        return cls(tuple(codes), frozenset(extractors), hits_from_tuples(hits), reads)


def run_project_rules(
    files: list[SourceFile],
    analyses: list[FileAnalysis],
    rules: Sequence[Rule],
    project_codes: list[str],
    cache: AnalysisCache,
    key: str,
    reanalyze: Reanalyze,
    ran: dict[tuple[str, ...], GroupResult] | None = None,
) -> tuple[ProjectHits, list[FileAnalysis]]:
    """The hits of the project rules `project_codes` (of `rules`), kept in `cache` under `key`
    (a hash of every file's facts), and the analyses (those whose facts the cache lost, redone).
    A group that has to run again takes its result from `ran` (by its codes) if it ran already."""
    facts_keys = {analysis.path: analysis.facts_key for analysis in analyses if analysis.facts_key}
    facts = _Facts(files, analyses, cache, reanalyze)
    results = _still_valid(cache.project_record(), facts_keys, project_codes, facts)
    stale = [code for code in project_codes if not any(code in result.codes for result in results)]
    ran = ran or {}
    for names, group in project_groups(rules, stale).items():
        results.append(ran.get(tuple(rule.code for rule in group)) or _run_group(names, group, facts))
    order = {code: index for index, code in enumerate(project_codes)}
    hits = sorted((hit for result in results for hit in result.hits), key=lambda hit: order[hit[0]])
    record: Record = (facts_keys, tuple(result.as_plain() for result in results))
    cache.put_project_hits(key, hits, record)
    return hits, facts.analyses


def _still_valid(
    record: Record | None, facts_keys: dict[str, str], project_codes: list[str], facts: _Facts
) -> list[GroupResult]:
    """The last run's group results that every changed file's facts leave standing."""
    if record is None:
        return []
    previous_keys, groups = record
    paths = previous_keys.keys() | facts_keys.keys()
    changed = sorted(path for path in paths if previous_keys.get(path) != facts_keys.get(path))
    if len(changed) > MAX_CHANGES_CHECKED:
        return []
    standing = [GroupResult.from_plain(values) for values in groups]
    if sorted(code for result in standing for code in result.codes) != sorted(project_codes):
        return []
    for path in changed:
        if not standing:
            break
        before = facts.stored(previous_keys[path]) if path in previous_keys else {}
        after = facts.current(path) if path in facts_keys else {}
        if before is None or after is None:
            return []  # facts the cache no longer has: nothing can be vouched for
        standing = [result for result in standing if same_answers(result.reads, result.extractors, before, after)]
    return standing


def project_groups(rules: Sequence[Rule], codes: Collection[str]) -> dict[frozenset[str], list[ProjectRule]]:
    """The project rules `codes` (of `rules`), grouped by the extractors whose facts they read."""
    from cynic.project.extractors import EXTRACTORS
    from cynic.rules.base import ProjectRule

    everything = tuple(extractor.name for extractor in EXTRACTORS)
    groups: dict[frozenset[str], list[ProjectRule]] = {}
    for rule in rules:
        if isinstance(rule, ProjectRule) and rule.code in codes:
            groups.setdefault(frozenset(rule.extractors or everything), []).append(rule)
    return groups


def kinds_read(extractors: frozenset[str]) -> frozenset[FileKind]:
    """The kinds of file the named extractors read."""
    from cynic.project.extractors import EXTRACTORS

    return frozenset(kind for extractor in EXTRACTORS if extractor.name in extractors for kind in extractor.kinds)


def _run_group(names: frozenset[str], group: list[ProjectRule], facts: _Facts) -> GroupResult:
    """Run one group of project rules over a project of the facts (of `names`) they read."""
    from cynic.project import Project

    with collector_paused():  # kept to the end of the audit, like the analyses: no collection need scan them
        loaded = facts.of_kinds(kinds_read(names), names)
        gc.freeze()
    project = Project(files=facts.sources, facts=loaded)
    # No collection while the rules run either: the answers their model keeps grow until the group
    # ends and form no cycle, yet each collection would rescan them all.
    with collector_paused():
        hits = [(rule.code, hit) for rule in group for hit in rule.check_project(project)]
    return GroupResult(tuple(rule.code for rule in group), names, hits, project.reads.as_plain())


class GroupsAhead:
    """Groups of project rules run during the per-file pass, each as soon as the files it reads
    are analysed, while workers go on with the other files; only groups sure to run again: the
    last run left no record to vouch for them, or too many of their files' facts changed."""

    def __init__(self, rules: Sequence[Rule], project_codes: list[str], cache: AnalysisCache) -> None:
        from cynic.project.extractors import EXTRACTORS

        # In the extractors' order: the Python group first, the costliest (it builds the FastAPI
        # model), so that it starts while the most work is left for the workers.
        first_read = {extractor.name: index for index, extractor in enumerate(EXTRACTORS)}
        groups = project_groups(rules, project_codes).items()
        self.groups = dict(sorted(groups, key=lambda group: min(first_read[name] for name in group[0])))
        self.results: dict[tuple[str, ...], GroupResult] = {}
        self._cache = cache
        record = cache.project_record()
        recorded_codes = None if record is None else sorted(code for values in record[1] for code in values[0])
        self._last_keys: dict[str, str] | None = record[0] if recorded_codes == sorted(project_codes) else None

    def run(self, names: frozenset[str], files: list[SourceFile], analyses: list[FileAnalysis]) -> None:
        """Run the group reading `names` over `files` (all of its kinds), unless its last hits
        may still stand or some file's facts are no longer cached."""
        last = self._last_keys
        changed = None if last is None else sum(last.get(item.path) != (item.facts_key or None) for item in analyses)
        if changed is not None and changed <= MAX_CHANGES_CHECKED:
            return
        group = self.groups[names]
        try:
            result = _run_group(names, group, _Facts(files, analyses, self._cache, _refuse_reanalysis))
        except _FactsLost:
            return  # the project phase analyses those files again, and runs the group then
        self.results[result.codes] = result


class _FactsLost(Exception):
    """A group run ahead needs the facts of a file whose facts the cache lost."""


def _refuse_reanalysis(files: list[SourceFile]) -> Iterable[FileAnalysis]:
    raise _FactsLost


class _Facts:
    """The facts of the audited files: those analysed now in memory, the others from the cache,
    unpickled only when asked for; files whose facts the cache lost are analysed again."""

    def __init__(self, files: list[SourceFile], analyses: list[FileAnalysis], cache: AnalysisCache,
                 reanalyze: Reanalyze) -> None:
        self.sources = {source.path: source for source in files}
        self.analyses = analyses
        self._by_path = {analysis.path: analysis for analysis in analyses}
        self._cache, self._reanalyze = cache, reanalyze
        self._unpickled: dict[str, dict[str, Any] | None] = {}

    def stored(self, facts_key: str) -> dict[str, Any] | None:
        """Facts by their key, as the cache keeps them (None: no longer kept)."""
        return self._cache.facts(facts_key)

    def current(self, path: str) -> dict[str, Any] | None:
        """A file's facts in this audit (None: the cache lost them)."""
        analysis = self._by_path[path]
        if analysis.facts:
            return analysis.facts
        if path not in self._unpickled:
            self._unpickled[path] = self._cache.facts(analysis.facts_key)
        return self._unpickled[path]

    def of_kinds(self, kinds: set[Any], extractors: frozenset[str]) -> dict[str, dict[str, Any]]:
        """The `extractors`' facts of every file of these kinds, by extractor and path."""
        found: dict[str, dict[str, Any]] = {name: {} for name in extractors}
        lost = []
        for analysis in self.analyses:
            source = self.sources[analysis.path]
            if source.kind not in kinds or not (analysis.facts or analysis.facts_key):
                continue  # no extractor reads this file, or none found anything in it
            facts = self.current(analysis.path)
            if facts is None:
                lost.append(source)
                continue
            for name in extractors & facts.keys():
                found[name][analysis.path] = facts[name]
        if lost:
            redone = {analysis.path: analysis for analysis in self._reanalyze(lost)}
            self.analyses = [redone.get(analysis.path, analysis) for analysis in self.analyses]
            self._by_path.update(redone)
            for path, analysis in redone.items():
                for name in extractors & analysis.facts.keys():
                    found[name][path] = analysis.facts[name]
        return found
