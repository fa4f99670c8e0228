"""The security agent: the deterministic audit of the workspace, with the repository's baseline
and waivers applied, the loop guards on what the coder changed, and, when configured, an LLM
reviewer whose findings can only be added."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cynic.agents.base import ReviewOutcome, Reviewer, ReviewTask
from cynic.fingerprints import Fingerprinter
from cynic.models import Finding
from cynic.rules.base import Rule
from cynic.rules.diff import DiffRule, RoundDiff
from cynic.rules.loop.supp001_agent_added_suppression import describe_suppression

if TYPE_CHECKING:
    from cynic.audit import Progress
    from cynic.policy import Policy


@dataclass
class SecurityVerdict:
    """The checklist after one look at the workspace."""

    findings: list[Finding]  # worst first
    unparsed: list[str] = field(default_factory=list)  # files the audit could not parse: it is incomplete
    review: ReviewOutcome | None = None  # the LLM reviewer's look (files read, usage); None when it did not look


class SecurityAgent:
    """Judges the workspace and everything the run changed since it started.

    `policy` is the repository's baseline and waivers, read when the run starts from the user's
    repository, never from the workspace: a waiver the coder writes is no waiver (and TAMP001
    reports the edit)."""

    def __init__(self, reviewer: Reviewer | None = None, *, rulebook: str = "", rules: Sequence[Rule] | None = None,
                 policy: Policy | None = None) -> None:
        self.reviewer = reviewer
        self.rulebook = rulebook
        self.rules = rules
        self.policy = policy

    def inspect(self, workspace: Path, run_diff: RoundDiff, progress: Progress | None = None) -> SecurityVerdict:
        """Audit `workspace` (not honouring suppressions the run added) and take the baselined
        and waived findings off the checklist, judge `run_diff` with the loop guards, then let
        the reviewer add what the rules cannot see. `progress` hears the files analysed."""
        from cynic.audit import audit
        from cynic.policy import apply_policy
        from cynic.rules import ALL_RULES

        rules = list(ALL_RULES if self.rules is None else self.rules)
        result = audit(workspace, rules=rules, distrusted=added_suppressions(run_diff), progress=progress)
        if self.policy is not None:
            result = apply_policy(result, self.policy)
        deterministic = sorted(result.findings + diff_findings(rules, run_diff), key=lambda f: f.sort_key)
        verdict = SecurityVerdict(findings=deterministic, unparsed=[s.path for s in result.skipped if s.incomplete])
        changed = set(run_diff.changed_paths)
        if self.reviewer is not None and changed:
            review = self.reviewer.review(
                ReviewTask(
                    workspace=workspace,
                    changed_paths=run_diff.changed_paths,
                    diff=run_diff.text(),
                    deterministic=[f for f in deterministic if f.path in changed],  # what it must not repeat
                    rulebook=self.rulebook,
                )
            )
            verdict.findings = merge_findings(deterministic, review.findings)
            verdict.review = review
        return verdict


def added_suppressions(run_diff: RoundDiff) -> set[tuple[str, int]]:
    """(path, line) of every suppression comment the run added: the audit must not honour them."""
    return {
        (change.path, number)
        for change in run_diff.files
        for number, text in change.added_lines()
        if describe_suppression(text) is not None
    }


def diff_findings(rules: Sequence[Rule], run_diff: RoundDiff) -> list[Finding]:
    """Findings of the diff rules (SUPP001, TAMP001...), one per rule and place."""
    fingerprint = Fingerprinter()
    after = {change.path: change.after_lines for change in run_diff.files}
    findings: dict[tuple[str, str, int], Finding] = {}
    for rule in rules:
        if not isinstance(rule, DiffRule):
            continue
        for hit in rule.check_diff(run_diff):
            lines = after.get(hit.path, [])
            evidence = lines[hit.line - 1].strip() if 0 < hit.line <= len(lines) else "(file deleted)"
            findings.setdefault(
                (rule.code, hit.path, hit.line),
                rule.to_finding(hit, evidence, fingerprint(rule.code, hit.path, evidence + hit.message)),
            )
    return list(findings.values())


def merge_findings(deterministic: list[Finding], llm: list[Finding]) -> list[Finding]:
    """The deterministic findings, untouched, plus the reviewer's that are not at the same rule
    and place. A reviewer can add to the checklist; it can never remove or downgrade."""
    taken = {(f.rule, f.path, f.line) for f in deterministic}
    fingerprint = Fingerprinter()
    added: list[Finding] = []
    for finding in llm:
        key = (finding.rule, finding.path, finding.line)
        if key in taken:
            continue
        taken.add(key)
        added.append(
            replace(finding, source="llm",
                    fingerprint=finding.fingerprint or fingerprint(finding.rule, finding.path, finding.evidence))
        )
    return sorted(deterministic + added, key=lambda f: f.sort_key)
