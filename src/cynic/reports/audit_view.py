"""An audit, or a pull request's review, as a report: a run with no rounds, its code read from the
audited folder. Waived findings stay in the report, marked with their waiver; a finding whose
waiver has expired is open and says so."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cynic.models import AuditResult, Finding, Waiver
from cynic.reports.run_view import Coverage, FindingStatus, FindingView, ReviewChange, RunView, sort_findings
from cynic.reports.source_context import read_from_folder, snippet_from_text

if TYPE_CHECKING:
    from cynic.review.result import ReviewResult


def view_from_audit(result: AuditResult) -> RunView:
    """The report of `result`, an audit with the baseline and waivers applied (`apply_policy`)."""
    return _view(result, "cynic audit", _triaged(result))


def view_from_review(review: ReviewResult) -> RunView:
    """The report of a review: the head's open findings, each marked new or existing, its waived
    ones (neither: a waiver takes them off the checklist), and the findings the change fixed."""
    change_of: dict[str, ReviewChange] = {f.fingerprint: "new" for f in review.new}
    change_of.update({f.fingerprint: "existing" for f in review.existing})
    views = [view.model_copy(update={"change": change_of.get(view.finding.fingerprint)}) for view in _triaged(review.head)]
    views += [_finding_view(Path(review.head.root), f, "fixed", change="fixed") for f in review.fixed]
    view = _view(review.head, f"cynic review {review.base_ref}...{review.head_ref}", views)
    status = "incomplete" if review.incomplete else ("new_findings" if review.new else "no_new_findings")
    return view.model_copy(update={"review": f"{review.base_ref}...{review.head_ref}", "base_commit": review.merge_base,
                                   "status": status})


def _triaged(result: AuditResult) -> list[FindingView]:
    root = Path(result.root)
    expired = {item.finding.fingerprint: item.waiver for item in result.expired_waivers}
    views = [_finding_view(root, f, "open", waiver=expired.get(f.fingerprint)) for f in result.findings]
    views += [_finding_view(root, item.finding, "waived", waiver=item.waiver) for item in result.waived]
    return views


def _finding_view(root: Path, finding: Finding, status: FindingStatus, *, waiver: Waiver | None = None,
                  change: ReviewChange | None = None) -> FindingView:
    text = read_from_folder(root, finding.path)
    return FindingView(
        finding=finding,
        status=status,
        waiver=waiver,
        waiver_expired=waiver is not None and status == "open",
        change=change,
        snippet=snippet_from_text(text, finding) if text is not None else None,
    )


def _view(result: AuditResult, title: str, findings: list[FindingView]) -> RunView:
    if result.incomplete:
        status = "incomplete"
    else:
        status = "findings" if result.findings else "clean"
    return RunView(
        title=title,
        status=status,
        root=result.root,
        version=result.version,
        findings=sort_findings(findings),
        coverage=Coverage(
            files_audited=_whole(result.stats.get("files")),
            lines_audited=_whole(result.stats.get("lines")),
            skipped=result.skipped,
        ),
        notices=result.notices,
        baselined=len(result.baselined),
    )


def _whole(value: int | float | None) -> int | None:
    return None if value is None else int(value)
