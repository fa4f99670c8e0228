"""The one place where the baseline and the waivers decide what stays on the checklist.

`apply_policy` takes an `AuditResult` and returns a copy whose `findings` are the open ones;
`cynic audit`, `cynic review` and the loop all call it, so they never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NamedTuple, TypeVar

from cynic.fingerprints import code_key
from cynic.models import AuditResult, BaselineEntry, Finding, Notice, WaivedFinding, Waiver
from cynic.policy.store import WAIVERS_FILE, load_baseline, load_waivers

Entry = TypeVar("Entry", bound=BaselineEntry)


class Policy(NamedTuple):
    """The accepted findings (baseline) and the time-boxed exceptions (waivers) of a project (a
    named tuple: cheaper to define than a frozen dataclass, on every audit's start)."""

    baseline: Sequence[BaselineEntry] = ()
    waivers: Sequence[Waiver] = ()


def load_policy(root: Path, *, use_baseline: bool = True) -> Policy:
    """The policy kept under `root/.cynic/`; `use_baseline=False` ignores the baseline only."""
    return Policy(baseline=load_baseline(root) if use_baseline else [], waivers=load_waivers(root))


def apply_policy(result: AuditResult, policy: Policy, today: date | None = None) -> AuditResult:
    """`result` with waived and baselined findings moved off the checklist, and notices for
    expired and stale waivers. An expired waiver hides nothing: its finding stays open.

    Apply it once, to a fresh audit: on a result already filtered, waivers would look stale."""
    today = today or date.today()
    root = Path(result.root)

    def file_gone(path: str) -> bool:
        return not (root / path).is_file()

    waiver_of = match_entries(result.findings, policy.waivers, file_gone)
    waived, expired = [], []
    for finding in result.findings:
        waiver = waiver_of.get(finding.fingerprint)
        if waiver is not None:
            (expired if waiver.expired(today) else waived).append(WaivedFinding(finding=finding, waiver=waiver))
    expired_fingerprints = {item.finding.fingerprint for item in expired}
    candidates = [f for f in result.findings if f.fingerprint not in waiver_of or f.fingerprint in expired_fingerprints]
    in_baseline = match_entries(
        [f for f in candidates if f.fingerprint not in expired_fingerprints], policy.baseline, file_gone
    )
    matched_waivers = {id(w) for w in waiver_of.values()}
    stale = [w for w in policy.waivers if id(w) not in matched_waivers]
    notices = [*result.notices, *(_expired_notice(item) for item in expired), *(_stale_notice(w) for w in stale)]
    return replace(
        result,
        findings=[f for f in candidates if f.fingerprint not in in_baseline],
        baselined=[f for f in candidates if f.fingerprint in in_baseline],
        waived=waived,
        expired_waivers=expired,
        stale_waivers=stale,
        notices=notices,
    )


def match_entries(
    findings: Sequence[Finding], entries: Sequence[Entry], file_gone: Callable[[str], bool]
) -> dict[str, Entry]:
    """Pair findings with recorded entries, one to one: by fingerprint, then by rule and code in
    the same file, then, for an entry whose file is gone (renamed, moved), by rule and code in
    any file. Keyed by the finding's fingerprint."""
    matched: dict[str, Entry] = {}
    left = list(entries)
    keys: list[tuple[Callable[[str, str, str, str], Hashable], Callable[[Entry], bool]]] = [
        (lambda fingerprint, rule, path, code: fingerprint, lambda entry: True),
        (lambda fingerprint, rule, path, code: (rule, path, code_key(code)), lambda entry: True),
        (lambda fingerprint, rule, path, code: (rule, code_key(code)), lambda entry: file_gone(entry.path)),
    ]
    for key, eligible in keys:
        waiting: dict[Hashable, list[Entry]] = defaultdict(list)
        for entry in filter(eligible, left):
            waiting[key(entry.fingerprint, entry.rule, entry.path, entry.evidence)].append(entry)
        for finding in findings:
            if finding.fingerprint in matched:
                continue
            queue = waiting.get(key(finding.fingerprint, finding.rule, finding.path, finding.evidence))
            if queue:
                matched[finding.fingerprint] = queue.pop(0)
        used = {id(entry) for entry in matched.values()}
        left = [entry for entry in left if id(entry) not in used]
    return matched


def _expired_notice(item: WaivedFinding) -> Notice:
    waiver = item.waiver
    return Notice(
        path=item.finding.path,
        line=item.finding.line,
        message=f"the waiver of {item.finding.rule} (owner {waiver.owner}) expired on {waiver.expires.isoformat()}: "
        "the finding is back on the checklist. Fix it, or renew the waiver with `cynic waive`.",
    )


def _stale_notice(waiver: Waiver) -> Notice:
    return Notice(
        path=str(WAIVERS_FILE),
        line=1,
        message=f"stale waiver {waiver.fingerprint} ({waiver.rule} in {waiver.path}, owner {waiver.owner}) "
        "matches no finding any more: remove it from the waivers file.",
    )
