"""The audit engine: read each file once, parse it once, run every rule, build the findings."""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cynic._version import __version__
from cynic.analysis import FileAnalysis, Hit, RuleCard
from cynic.cache import AnalysisCache, cache_file, file_key
from cynic.catalog_loading import Catalog, catalog_card
from cynic.excerpts import Excerpt, excerpts_for
from cynic.file_index import FileIndex, SourceChanged
from cynic.fingerprints import Fingerprinter
from cynic.models import AuditResult, Finding, Notice, Skipped
from cynic.source import FileKind, SourceFile
from cynic.standby import Standby
from cynic.suppressions import find_suppressions, suppression_for
from cynic.walk import Listing, Unread, list_files

if TYPE_CHECKING:
    from cynic.examine import Examiner, Outcome, Waiting
    from cynic.file_index import KnownSource
    from cynic.project.incremental import GroupsAhead
    from cynic.rules.base import Rule

# The rules, the parsers, the fact extractors, the project model and the worker processes are
# imported where they are first needed: an audit served from the cache never loads them.


YOUNG_OBJECTS_PER_COLLECTION = 100_000  # while auditing; Python's default is 700

Progress = Callable[[int, int], None]  # (files just analysed, files in the audit)


def _no_progress(count: int, total: int) -> None:
    """The progress callback when nobody is watching."""


class AuditError(Exception):
    """The audit cannot start (the path does not exist, is not a folder...)."""


def audit(
    root: Path,
    *,
    include_tests: bool = False,
    rules: Sequence[Rule] | None = None,
    use_cache: bool = True,
    distrusted: Collection[tuple[str, int]] = (),
    progress: Progress | None = None,
    cache: AnalysisCache | None = None,
    retain: list[object] | None = None,
) -> AuditResult:
    """Audit the tree at `root` with `rules` (default: the whole catalog).

    Unchanged files are served from the content-hash cache (those whose stat matches the last
    audit's are not even read); the rest are analysed in a process pool when there are enough of
    them to pay for it. The result does not depend on either.
    Suppressions on the (path, line)s in `distrusted` (added by a coding agent) are not honoured.
    `progress` hears how many files were analysed, in batches. `cache` replaces the tree's own
    (an in-memory one shared by the audits of a review). `retain`, when given, receives what the
    audit built (every file, its analysis, the cache), to be freed when its holder chooses: a
    process that will leave without tidying up (the CLI) never frees them, and is spared the
    freeing of every object one by one as the audit returns (60 ms of CPU after a cold audit of
    100k lines, and it cannot be shared out).
    """
    started = time.perf_counter()
    root = root.resolve() if root.exists() else root
    if not root.exists():
        raise AuditError(f"{root} does not exist. Give the folder of the project to audit.")
    if not root.is_dir():
        raise AuditError(f"{root} is not a folder. Give the folder of the project to audit.")
    active: Sequence[Rule] = Catalog() if rules is None else list(rules)
    if cache is None and use_cache:
        cache = AnalysisCache(cache_file(root, None if rules is None else tuple(rule.code for rule in active)))
    elif cache is None:
        cache = AnalysisCache(None, remembers=False)
    run = _Run(root, include_tests, active, cache, progress or _no_progress, started)
    try:
        result = run.audit(cache.index, distrusted)
    except SourceChanged:  # a file changed after its stat said otherwise: read every file this time
        result = run.audit(None, distrusted)
    if retain is not None:
        retain.append((run, cache))
    if cache.problem:
        problem = Notice(path=str(cache.path), line=1, message=cache.problem)
        result = dataclasses.replace(result, notices=[problem, *result.notices])
    return result


class _Run:
    """One audit of one tree: what `audit` decided, and the steps that use it."""

    def __init__(self, root: Path, include_tests: bool, rules: Sequence[Rule], cache: AnalysisCache,
                 progress: Progress, started: float) -> None:
        self.root, self.include_tests, self.rules = root, include_tests, rules
        self.cache, self.progress, self.started = cache, progress, started
        self.built: tuple[object, ...] = ()  # the last audit's listing, files and analyses, freed with the run

    def audit(self, index: FileIndex | None, distrusted: Collection[tuple[str, int]]) -> AuditResult:
        """The audit, trusting the stat of the files that `index` recorded."""
        # A warm audit (one with an index) that meets a file with new content forks a standby to
        # analyse it, which loads the analysers while the rest of the tree is listed.
        standby = Standby(self.examiner, self.cache) if index is not None else None
        try:
            listing = list_files(self.root, include_tests=self.include_tests, index=index,
                                 on_unread=None if standby is None else standby.meet)
            cache = self.cache
            with _rare_collections():
                cards = self.cards()
                project_codes = [code for code, card in cards.items() if card.is_project_rule]
                files, analyses, skipped, ran = self.analyses(listing, cards, project_codes, standby)
                project_key = _project_key(analyses, project_codes)
                project_hits = cache.project_hits(project_key)
                if project_hits is None:
                    from cynic.project.incremental import run_project_rules

                    project_hits, analyses = run_project_rules(files, analyses, self.rules, project_codes, cache,
                                                               project_key, lambda lost: _reanalyze(lost, self.rules, cache),
                                                               ran)
        finally:
            if standby is not None:
                standby.dismiss()
        result = assemble(self.root, files, skipped, analyses, cards, self.started, project_hits,
                          cache=cache, distrusted=distrusted)
        cache.save(listing.index, (file_key(source) for source in files))
        self.built = (listing, files, analyses, skipped, ran)
        return result

    def analyses(self, listing: Listing, cards: dict[str, RuleCard], project_codes: list[str],
                 standby: Standby | None = None) -> tuple[list[SourceFile], list[FileAnalysis], list[Skipped],
                                                          dict[tuple[str, ...], Any]]:
        """Every listed file with its analysis, in the listing's order, from the cache or made
        afresh (by the `standby` if it takes the files); the files passed over, with those that
        turned out unreadable; and the results of the groups of project rules run ahead
        (`GroupsAhead`), by their codes."""
        cache, total = self.cache, len(listing.entries)
        unread = [entry for entry in listing.entries if isinstance(entry, Unread)]
        handed = standby is not None and standby.send(unread)  # analysed there while the cache is read here
        served = [None if isinstance(entry, Unread) else cache.get(file_key(entry)) for entry in listing.entries]
        jobs = [entry for entry, analysis in zip(listing.entries, served) if analysis is None]
        self.progress(total - len(jobs), total)
        ahead = _Ahead(self, listing.entries, served, project_codes)
        outcomes: Iterator[Outcome] = iter(())
        # Files whose analysis the cache lost are jobs too: with those, this process does them all.
        examined = standby.receive() if handed and len(jobs) == len(unread) else None
        if standby is not None:
            standby.dismiss()
        if examined is not None:
            outcomes = iter(examined)
            self.progress(len(jobs), total)
        elif jobs:  # an audit served from the cache never imports the reading and the pool
            from cynic.examine import examine

            outcomes = iter(examine(jobs, self.examiner({job.kind for job in jobs}, cards),
                                    lambda count: self.progress(count, total), ahead.waiting))
        files, analyses, skipped = [], [], list(listing.skipped)
        for entry, analysis, outcome in _paired(listing.entries, served, outcomes):
            if outcome is None:
                files.append(entry)
                analyses.append(analysis)
                continue
            if isinstance(outcome, Skipped):
                skipped.append(outcome)
                continue
            source, status, analysis = outcome
            if status is not None:
                listing.index.record(source, status)
            if analysis is None:  # read under a new stat, but its content is the one cached
                analysis = cache.get(file_key(source))
            else:
                cache.put(file_key(source), analysis)
            assert analysis is not None
            files.append(source)
            analyses.append(analysis)
        return files, analyses, skipped, ahead.results

    def cards(self) -> dict[str, RuleCard]:
        """Every active rule's card; the catalog's come from the cache unless its rules were loaded."""
        if not isinstance(self.rules, Catalog):
            return {rule.code: rule.card() for rule in self.rules}
        cards = self.cache.catalog_cards()
        if cards is None:
            cards = {rule.code: catalog_card(rule) for rule in self.rules}
            self.cache.put_catalog_cards(cards.values())
        return cards

    def examiner(self, kinds: Collection[FileKind], cards: dict[str, RuleCard] | None = None) -> Examiner:
        """What reads and analyses files of `kinds` (with the active rules' `cards`, or else
        the cards this audit would take)."""
        from cynic.examine import Examiner

        return Examiner(analyze_file, self.file_rules(kinds, self.cards() if cards is None else cards), self.cache)

    def file_rules(self, kinds: Collection[FileKind], cards: dict[str, RuleCard]) -> Sequence[Rule]:
        """The active rules, or just the file rules of the catalog that read files of `kinds`."""
        return self.rules.reading(kinds, cards) if isinstance(self.rules, Catalog) else self.rules


class _Ahead:
    """The groups of project rules an audit runs while its files are examined (see `GroupsAhead`)."""

    def __init__(self, run: _Run, entries: list[KnownSource | Unread], served: list[FileAnalysis | None],
                 project_codes: list[str]) -> None:
        self._run, self._entries, self._served, self._project_codes = run, entries, served, project_codes
        self._groups: GroupsAhead | None = None  # made when the files are shared with workers

    @property
    def results(self) -> dict[tuple[str, ...], Any]:
        """Each group's result, by its codes, for the groups that ran."""
        return {} if self._groups is None else self._groups.results

    def waiting(self) -> list[Waiting]:
        """What each group waits for, and runs then."""
        from cynic.project.incremental import GroupsAhead, kinds_read

        groups = self._groups = GroupsAhead(self._run.rules, self._project_codes, self._run.cache)
        return [self._waiting_for(groups, names, kinds_read(names)) for names in groups.groups]

    def _waiting_for(self, groups: GroupsAhead, names: frozenset[str], kinds: frozenset[Any]) -> Waiting:
        from cynic.examine import Waiting

        def run(outcomes: list[Outcome | None]) -> None:
            groups.run(names, *_analysed_of_kinds(self._entries, self._served, outcomes, kinds, self._run.cache))

        return Waiting(kinds, run)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Keep the cycle collector from rescanning what the audit keeps (pool workers inherit this).

    Trees are freed by reference counting as soon as their file is done, and what a file's
    analysis keeps is frozen (`examine.keep`) so that no collection scans it again; at Python's
    default settings the collector rescanned every analysis kept so far, some hundred times in a
    large audit, for about a seventh of a cold audit's CPU. Everything is unfrozen at the end.
    """
    previous = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, *previous[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*previous)


def _project_key(analyses: list[FileAnalysis], project_rules: list[str]) -> str:
    """What the project rules' result depends on: the rules (by code) and every file's facts."""
    rules = "".join(f"{code}\0" for code in project_rules)
    files = "".join(f"\n{analysis.path}\0{analysis.facts_key}" for analysis in analyses)
    return hashlib.sha256((rules + files).encode()).hexdigest()


def _paired(entries: list[KnownSource | Unread], served: list[FileAnalysis | None],
            outcomes: Iterator[Outcome | None]) -> Iterator[tuple[Any, FileAnalysis | None, Outcome | None]]:
    """Each listed entry with its analysis served from the cache, or else the next of `outcomes`
    (those of the entries not served, in order)."""
    for entry, analysis in zip(entries, served):
        yield entry, analysis, None if analysis is not None else next(outcomes)


def _analysed_of_kinds(entries: list[KnownSource | Unread], served: list[FileAnalysis | None],
                       outcomes: list[Outcome | None], kinds: frozenset[Any],
                       cache: AnalysisCache) -> tuple[list[SourceFile], list[FileAnalysis]]:
    """The listed files of `kinds`, with their analyses, in the listing's order: served from the
    cache, or examined (`outcomes`: one per entry not served, None if not examined yet)."""
    files, analyses = [], []
    for entry, analysis, outcome in _paired(entries, served, iter(outcomes)):
        if entry.kind not in kinds or isinstance(outcome, Skipped):
            continue
        source: SourceFile = entry  # type: ignore[assignment]  # served: known
        if outcome is not None:
            source, _, analysis = outcome
            analysis = analysis or cache.get(file_key(source))
        assert analysis is not None
        files.append(source)
        analyses.append(analysis)
    return files, analyses


def _reanalyze(files: list[SourceFile], rules: Sequence[Rule], cache: AnalysisCache) -> list[FileAnalysis]:
    """Analyse `files` again, all together (in the pool if there are many: the cache lost their
    facts), and cache them."""
    from cynic.examine import Examiner, examine

    redone = []
    for outcome in examine(files, Examiner(analyze_file, rules, cache, reuse=False), lambda count: None):
        assert not isinstance(outcome, Skipped) and outcome[2] is not None
        source, _, analysis = outcome
        cache.put(file_key(source), analysis)
        redone.append(analysis)
    return redone


def analyze_file(source: SourceFile, rules: Iterable[Rule]) -> FileAnalysis:
    """Parse one file once, then let every file rule and fact extractor read the same tree."""
    from cynic.parsing import PARSERS, ParseError
    from cynic.project.extractors import EXTRACTORS
    from cynic.rules.base import FileRule

    analysis = FileAnalysis(path=source.path)
    parser = PARSERS.get(source.kind)
    if parser is not None:
        try:
            source.tree = parser(source)
        except ParseError as error:
            analysis.parse_error = str(error)
            source.tree = error.recovered
    parsed = parser is None or source.tree is not None
    for rule in rules:
        if isinstance(rule, FileRule) and source.kind in rule.kinds and (parsed or not rule.needs_tree):
            analysis.hits.extend((rule.code, hit) for hit in rule.check_file(source))
    if parsed:
        for extractor in EXTRACTORS:
            if source.kind in extractor.kinds:
                analysis.facts[extractor.name] = extractor.extract(source)
    source.tree = None  # the tree is not needed past this point; free it early
    return analysis


def assemble(
    root: Path,
    files: list[SourceFile],
    skipped: list[Skipped],
    analyses: list[FileAnalysis],
    cards: dict[str, RuleCard],
    started: float,
    project_hits: list[tuple[str, Hit]],
    *,
    cache: AnalysisCache,
    distrusted: Collection[tuple[str, int]] = (),
) -> AuditResult:
    """Merge the file rules' and the project rules' hits, then turn every hit into a finding; the
    lines the findings read are taken from, and kept in, `cache` (`cynic.excerpts`)."""
    by_path = {source.path: source for source in files}
    hits: list[tuple[str, Hit]] = []
    skipped = list(skipped)
    for analysis in analyses:
        hits.extend(analysis.hits)
        if analysis.parse_error:
            skipped.append(Skipped(path=analysis.path, reason=analysis.parse_error, incomplete=True))
    hits.extend(project_hits)

    excerpts = excerpts_for(hits, by_path, cache.excerpts())
    cache.put_excerpts(excerpts)
    findings, notices, suppressed = _to_findings(hits, excerpts, cards, frozenset(distrusted))
    notices.extend(
        Notice(path=s.path, line=1, message=s.encoding_note) for s in files if s.encoding_note
    )
    return AuditResult(
        version=__version__,
        root=str(root),
        findings=findings,
        skipped=sorted(skipped, key=lambda s: s.path),
        notices=sorted(notices, key=lambda n: (n.path, n.line)),
        suppressed=suppressed,
        stats={
            "files": len(files),
            "lines": sum(s.line_count for s in files),
            "rules": len(cards),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )


def _to_findings(
    hits: list[tuple[str, Hit]], excerpts: dict[str, Excerpt], cards: dict[str, RuleCard], distrusted: frozenset[tuple[str, int]]
) -> tuple[list[Finding], list[Notice], int]:
    """Findings sorted worst-first, with evidence, fingerprints, and suppressions applied."""
    fingerprint = Fingerprinter()
    findings: list[Finding] = []
    notices: list[Notice] = []
    reported_unreasoned: set[tuple[str, int]] = set()
    suppressed = 0
    unique = {(code, hit.path, hit.line): (code, hit) for code, hit in hits}
    per_file: dict[str, dict[int, Any]] = defaultdict(dict)
    for code, hit in sorted(unique.values(), key=lambda item: (item[1].path, item[1].line, item[0])):
        card = cards[code]
        excerpt = excerpts.get(hit.path)
        if hit.path not in per_file:
            per_file[hit.path] = find_suppressions(excerpt.lines.items()) if excerpt else {}
        suppression = suppression_for(per_file[hit.path], code, hit.line)
        if suppression is not None and (hit.path, suppression.line) in distrusted:
            suppression = None
        if suppression is not None and suppression.reason:
            suppressed += 1
            continue
        if suppression is not None and (hit.path, suppression.line) not in reported_unreasoned:
            reported_unreasoned.add((hit.path, suppression.line))
            notices.append(
                Notice(
                    path=hit.path,
                    line=suppression.line,
                    message="suppression without a reason is not honoured; "
                    "write `cynic: ignore[RULE] why it is safe`",
                )
            )
        evidence = excerpt.text(hit.line).strip() if excerpt else ""
        findings.append(card.to_finding(hit, evidence, fingerprint(code, hit.path, evidence)))
    findings.sort(key=lambda f: f.sort_key)
    return findings, notices, suppressed
