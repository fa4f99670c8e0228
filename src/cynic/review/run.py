"""`review()`: audit the head and the merge base with the same engine, keep what the change adds."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from cynic.agents.base import Reviewer, ReviewTask
from cynic.audit import audit
from cynic.cache import AnalysisCache
from cynic.models import Finding
from cynic.policy import apply_policy, load_policy
from cynic.review.git_trees import Changes, changes, exported, open_repo, resolve
from cynic.review.matching import TreeLines, compare
from cynic.review.result import Coverage, LLMCoverage, ReviewResult
from cynic.rules.base import Rule


def review(
    path: Path,
    *,
    base: str,
    head: str | None = None,
    include_tests: bool = False,
    rules: Sequence[Rule] | None = None,
    use_baseline: bool = True,
    report_all: bool = False,
    reviewer: Reviewer | None = None,
    today: date | None = None,
) -> ReviewResult:
    """Review the change from the merge base of `base` and `head` (default HEAD) to `head`.

    Both trees are exported from git and audited in full (project rules need the whole app);
    the user's working tree is never touched. The head tree's `.cynic/` policy applies.
    """
    started = time.perf_counter()
    repo = open_repo(path)
    revisions = resolve(repo, path, base, head)
    changed = changes(repo, revisions)
    with exported(repo, revisions.head, revisions.prefix) as head_root, exported(
        repo, revisions.merge_base, revisions.prefix
    ) as base_root:
        exported_at = time.perf_counter()
        shared = AnalysisCache(None)  # files the change did not touch are analysed once, and no cache is left behind
        head_result = audit(head_root, include_tests=include_tests, rules=rules, cache=shared)
        base_result = audit(base_root, include_tests=include_tests, rules=rules, cache=shared)
        audited_at = time.perf_counter()
        policy = load_policy(head_root, use_baseline=use_baseline)
        triaged = replace(apply_policy(head_result, policy, today), root=str(path))
        comparison = compare(
            base_result.findings,
            head_result.findings,
            renames=changed.renames,
            base_tree=TreeLines(base_root),
            head_tree=TreeLines(head_root),
        )
        open_fingerprints = {f.fingerprint for f in triaged.findings}
        new = [f for f in comparison.new if f.fingerprint in open_fingerprints]
        llm = None
        if reviewer is not None:
            new, llm = _llm_review(reviewer, head_root, changed, new)
    return ReviewResult(
        base_ref=revisions.base_ref,
        head_ref=revisions.head_ref,
        merge_base=revisions.merge_base,
        head_commit=revisions.head,
        prefix=revisions.prefix,
        head=triaged,
        base_coverage=Coverage.of(base_result),
        new=new,
        existing=[f for f in comparison.existing if f.fingerprint in open_fingerprints],
        fixed=comparison.fixed,
        changed_paths=changed.changed,
        deleted_paths=changed.deleted,
        renames=changed.renames,
        llm=llm,
        report_all=report_all,
        stats={
            "export_seconds": round(exported_at - started, 3),
            "head_audit_seconds": float(head_result.stats.get("seconds", 0.0)),
            "base_audit_seconds": float(base_result.stats.get("seconds", 0.0)),
            "total_seconds": round(time.perf_counter() - started, 3),
            "audits_seconds": round(audited_at - exported_at, 3),
        },
    )


def _llm_review(
    reviewer: Reviewer, head_root: Path, changed: Changes, new: list[Finding]
) -> tuple[list[Finding], LLMCoverage]:
    """Add the LLM reviewer's findings over the PR diff; it reads the exported head tree only."""
    outcome = reviewer.review(
        ReviewTask(workspace=head_root, changed_paths=changed.changed, diff=changed.diff, deterministic=new)
    )
    coverage = LLMCoverage(
        reviewer=reviewer.name,
        files_read=sorted(outcome.files_read),
        files_not_read=sorted(outcome.files_not_read),
        dropped=outcome.dropped,
    )
    return sorted([*new, *outcome.findings], key=lambda f: f.sort_key), coverage
