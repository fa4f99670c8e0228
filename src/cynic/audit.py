"""The audit engine: read each file once, parse it once, run every rule, build the findings."""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cynic._version import __version__
from cynic.analysis import FileAnalysis, Hit, RuleCard
from cynic.models import AuditResult, Finding, Notice, Skipped
from cynic.cache import AnalysisCache, cache_file, facts_key, pickle_facts, unpickle_facts
from cynic.file_index import FileIndex, SourceChanged
from cynic.source import SourceFile
from cynic.suppressions import find_suppressions, suppression_for
from cynic.walk import discover
from cynic.fingerprints import Fingerprinter

if TYPE_CHECKING:
    from cynic.rules.base import Rule

# The rules, the parsers, the fact extractors and the project model are imported where they are
# first needed: an audit served from the cache never loads them.


PARALLEL_MIN_BYTES = 2_000_000  # below this, starting workers costs more than it saves
CHUNKS_PER_CORE = 16  # small enough that no core waits long for another at the end
PROGRESS_BATCH = 50  # files analysed in this process between two progress reports
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
) -> AuditResult:
    """Audit the tree at `root` with `rules` (default: the whole catalog).

    Unchanged files are served from the content-hash cache (those whose stat matches the last
    audit's are not even read); the rest are analysed in a process pool when there are enough of
    them to pay for it. The result does not depend on either.
    Suppressions on the (path, line)s in `distrusted` (added by a coding agent) are not honoured.
    `progress` hears how many files were analysed, in batches. `cache` replaces the tree's own
    (an in-memory one shared by the audits of a review).
    """
    started = time.perf_counter()
    root = root.resolve() if root.exists() else root
    if not root.exists():
        raise AuditError(f"{root} does not exist. Give the folder of the project to audit.")
    if not root.is_dir():
        raise AuditError(f"{root} is not a folder. Give the folder of the project to audit.")
    active: Sequence[Rule] = _Catalog() if rules is None else list(rules)
    if cache is None:
        rules_key = None if rules is None else tuple(rule.code for rule in active)
        cache = AnalysisCache(cache_file(root, rules_key) if use_cache else None)
    run = _Run(root, include_tests, active, cache, progress or _no_progress, started)
    try:
        result = run.audit(cache.index, distrusted)
    except SourceChanged:  # a file changed after its stat said otherwise: read every file this time
        result = run.audit(None, distrusted)
    if cache.problem:
        problem = Notice(path=str(cache.path), line=1, message=cache.problem)
        result = dataclasses.replace(result, notices=[problem, *result.notices])
    return result


class _Catalog(Sequence["Rule"]):
    """The whole rule catalog, imported on first use: an audit served from the cache never needs it."""

    @cached_property
    def _rules(self) -> Sequence[Rule]:
        from cynic.rules import ALL_RULES

        return ALL_RULES

    def __getitem__(self, index: Any) -> Any:
        return self._rules[index]

    def __len__(self) -> int:
        return len(self._rules)


class _Run:
    """One audit of one tree: what `audit` decided, and the steps that use it."""

    def __init__(self, root: Path, include_tests: bool, rules: Sequence[Rule], cache: AnalysisCache,
                 progress: Progress, started: float) -> None:
        self.root, self.include_tests, self.rules = root, include_tests, rules
        self.cache, self.progress, self.started = cache, progress, started

    def audit(self, index: FileIndex | None, distrusted: Collection[tuple[str, int]]) -> AuditResult:
        """The audit, trusting the stat of the files that `index` recorded."""
        found = discover(self.root, include_tests=self.include_tests, index=index)
        cache = self.cache
        with _rare_collections():
            analyses = analyze_files(found.files, self.rules, cache, self.progress)
            cards = self.cards()
            project_codes = [code for code, card in cards.items() if card.is_project_rule]
            project_key = _project_key(analyses, project_codes)
            project_hits = cache.project_hits(project_key)
            if project_hits is None:
                from cynic.project.incremental import run_project_rules

                project_hits, analyses = run_project_rules(found.files, analyses, self.rules, project_codes, cache,
                                                           project_key, lambda lost: _reanalyze(lost, self.rules, cache))
        cache.save(found.index, (_cache_key(source) for source in found.files))
        return assemble(self.root, found.files, found.skipped, analyses, cards, self.started, project_hits,
                        distrusted=distrusted)

    def cards(self) -> dict[str, RuleCard]:
        """Every active rule's card; the catalog's come from the cache unless its rules were loaded."""
        if not isinstance(self.rules, _Catalog):
            return {rule.code: rule.card() for rule in self.rules}
        cards = self.cache.catalog_cards()
        if cards is None:
            cards = {rule.code: rule.card() for rule in self.rules}
            self.cache.put_catalog_cards(cards.values())
        return cards


@contextmanager
def _rare_collections() -> Iterator[None]:
    """Keep the cycle collector from rescanning what the audit keeps (pool workers inherit this).

    Trees are freed by reference counting as soon as their file is done, and what a file's
    analysis keeps is frozen (`_keep`) so that no collection scans it again; at Python's
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


def _keep(analysis: FileAnalysis) -> FileAnalysis:
    """`analysis`, with every object alive now moved out of the collector's generations."""
    gc.freeze()
    return analysis


def analyze_files(files: list[SourceFile], rules: Sequence[Rule], cache: AnalysisCache,
                  progress: Progress = _no_progress) -> list[FileAnalysis]:
    """Every file's analysis, in the order of `files`: from the cache, a pool, or this process."""
    analyses: dict[str, FileAnalysis] = {}
    misses: list[SourceFile] = []
    for source in files:
        cached = cache.get(_cache_key(source))
        if cached is None:
            misses.append(source)
        else:
            analyses[source.path] = cached
    progress(len(files) - len(misses), len(files))
    for analysis in _analyze_misses(misses, rules, lambda count: progress(count, len(files))):
        analyses[analysis.path] = analysis
    for source in misses:
        cache.put(_cache_key(source), analyses[source.path])
    return [analyses[source.path] for source in files]


def _analyze_misses(files: list[SourceFile], rules: Sequence[Rule], analysed: Callable[[int], None]) -> Iterable[FileAnalysis]:
    """Analyse `files`, telling `analysed` how many are done after each batch (or chunk)."""
    if not files:
        return []  # all served from the cache: the rules are not even imported
    from cynic.rules import RULES_BY_CODE

    codes = [rule.code for rule in rules]
    registered = all(RULES_BY_CODE.get(code) is rule for code, rule in zip(codes, rules))
    cores = min(os.cpu_count() or 1, 4)
    total_bytes = sum(len(source.text) for source in files)
    if cores < 2 or not registered or total_bytes < PARALLEL_MIN_BYTES or threading.active_count() > 1:
        return _analyze_serially(files, rules, analysed)
    return _analyze_with_workers(files, rules, codes, cores - 1, analysed)


def _analyze_with_workers(
    files: list[SourceFile], rules: Sequence[Rule], codes: list[str], workers: int, analysed: Callable[[int], None]
) -> list[FileAnalysis]:
    """Analyse `files` in this process and `workers` forked ones, sharing one queue of chunks.

    The workers take chunks from the front of the queue; this process takes them from the back,
    cancelling each before a worker can start it, until it meets one a worker already has. So
    every core works to the end, and only the workers' share of the results (facts are most of
    it) is pickled across a pipe.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    count = min(len(files), CHUNKS_PER_CORE * (workers + 1))
    chunks = [files[i * len(files) // count : (i + 1) * len(files) // count] for i in range(count)]
    results: list[list[FileAnalysis]] = [[] for _ in chunks]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_analyze_chunk, chunk, codes) for chunk in chunks]
        for position in reversed(range(len(chunks))):
            if not futures[position].cancel():
                break
            results[position] = [_keep(analyze_file(source, rules)) for source in chunks[position]]
            analysed(len(chunks[position]))
        for future, result in zip(futures, results):
            if not future.cancelled():
                result.extend(future.result())
                for analysis in result:
                    analysis.facts = unpickle_facts(analysis.facts_pickle)
                gc.freeze()  # what the workers sent back is kept to the end, like what was analysed here
                analysed(len(result))
    return [analysis for result in results for analysis in result]


def _analyze_serially(files: list[SourceFile], rules: Sequence[Rule], analysed: Callable[[int], None]) -> list[FileAnalysis]:
    analyses = []
    for start in range(0, len(files), PROGRESS_BATCH):
        batch = files[start : start + PROGRESS_BATCH]
        analyses.extend(_keep(analyze_file(source, rules)) for source in batch)
        analysed(len(batch))
    return analyses


def _analyze_chunk(files: list[SourceFile], codes: list[str]) -> list[FileAnalysis]:
    """A worker's analyses, sent back with their facts only in the pickle made to hash them."""
    from cynic.rules import RULES_BY_CODE

    rules = [RULES_BY_CODE[code] for code in codes]
    analyses = [_keep(analyze_file(source, rules)) for source in files]
    for analysis in analyses:
        analysis.facts = {}
    return analyses


def _cache_key(source: SourceFile) -> str:
    return f"{source.path}\0{source.digest}"


def _project_key(analyses: list[FileAnalysis], project_rules: list[str]) -> str:
    """What the project rules' result depends on: the rules (by code) and every file's facts."""
    digest = hashlib.sha256()
    for code in project_rules:
        digest.update(f"{code}\0".encode())
    for analysis in analyses:
        digest.update(f"\n{analysis.path}\0{analysis.facts_key}".encode())
    return digest.hexdigest()


def _reanalyze(files: list[SourceFile], rules: Sequence[Rule], cache: AnalysisCache) -> list[FileAnalysis]:
    """Analyse `files` again, all together (in the pool if there are many: the cache lost their
    facts), and cache them."""
    redone = {analysis.path: analysis for analysis in _analyze_misses(files, rules, lambda count: None)}
    for source in files:
        cache.put(_cache_key(source), redone[source.path])
    return list(redone.values())


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
    analysis.facts_pickle = pickle_facts(analysis.facts)
    analysis.facts_key = facts_key(analysis.facts_pickle)
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
    distrusted: Collection[tuple[str, int]] = (),
) -> AuditResult:
    """Merge the file rules' and the project rules' hits, then turn every hit into a finding."""
    by_path = {source.path: source for source in files}
    hits: list[tuple[str, Hit]] = []
    skipped = list(skipped)
    for analysis in analyses:
        hits.extend(analysis.hits)
        if analysis.parse_error:
            skipped.append(Skipped(path=analysis.path, reason=analysis.parse_error, incomplete=True))
    hits.extend(project_hits)

    findings, notices, suppressed = _to_findings(hits, by_path, cards, frozenset(distrusted))
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
    hits: list[tuple[str, Hit]], files: dict[str, SourceFile], cards: dict[str, RuleCard], distrusted: frozenset[tuple[str, int]]
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
        source = files.get(hit.path)
        lines = source.lines if source else []
        if hit.path not in per_file:
            per_file[hit.path] = find_suppressions(lines)
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
        evidence = source.line_text(hit.line).strip() if source else ""
        findings.append(card.to_finding(hit, evidence, fingerprint(code, hit.path, evidence)))
    findings.sort(key=lambda f: f.sort_key)
    return findings, notices, suppressed
