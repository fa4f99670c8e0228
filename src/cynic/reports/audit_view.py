"""An audit as a report: a run with no rounds, its code read from the audited folder."""

from __future__ import annotations

from pathlib import Path

from cynic.models import AuditResult
from cynic.reports.run_view import Coverage, FindingView, RunView, sort_findings
from cynic.reports.source_context import read_from_folder, snippet_from_text


def view_from_audit(result: AuditResult) -> RunView:
    root = Path(result.root)
    findings = []
    for finding in result.findings:
        text = read_from_folder(root, finding.path)
        findings.append(FindingView(finding=finding, snippet=snippet_from_text(text, finding) if text is not None else None))
    if result.incomplete:
        status = "incomplete"
    else:
        status = "findings" if result.findings else "clean"
    return RunView(
        title="cynic audit",
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
    )


def _whole(value: int | float | None) -> int | None:
    return None if value is None else int(value)
