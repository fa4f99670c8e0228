"""SARIF 2.1.0 for GitHub code scanning and other SARIF readers.

Every open finding is a result; waived and baselined ones are results with an external
suppression, so code scanning shows them as dismissed rather than as fixed. In a review each
result carries `baselineState`: `new` for what the change adds, `unchanged` for the rest.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Sequence
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from cynic._version import __version__
from cynic.models import AuditResult, Finding, Severity

if TYPE_CHECKING:
    from cynic.review.result import ReviewResult
    from cynic.rules.base import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "cynicFingerprint/v1"
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5", Severity.LOW: "3.0"}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render_sarif(result: AuditResult, review: ReviewResult | None = None, rules: Sequence[Rule] | None = None) -> str:
    """The SARIF log of an audit, or of a review when `review` is given (`result` is then its head)."""
    findings = _all_findings(result, review)
    descriptors = _rule_descriptors(findings, rules)
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    new = {f.fingerprint for f in review.new} if review else set()
    prefix = review.prefix if review else ""
    results = []
    for finding, suppression in findings:
        entry = _result(finding, index[finding.rule], prefix)
        if suppression:
            entry["suppressions"] = [{"kind": "external", "status": "accepted", "justification": suppression}]
        if review is not None:
            entry["baselineState"] = "new" if finding.fingerprint in new else "unchanged"
        results.append(entry)
    incomplete = review.incomplete if review else result.incomplete
    log = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "cynic",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": descriptors,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not incomplete,
                        "toolExecutionNotifications": _coverage_notifications(result, prefix),
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _all_findings(result: AuditResult, review: ReviewResult | None) -> list[tuple[Finding, str]]:
    """(finding, suppression justification or "") for every finding the tree has."""
    listed = [(f, "") for f in result.findings]
    listed += [(item.finding, f"waived by {item.waiver.owner} until {item.waiver.expires}: {item.waiver.reason}") for item in result.waived]
    listed += [(f, "accepted in the cynic baseline") for f in result.baselined]
    if review is not None:
        seen = {f.fingerprint for f, _ in listed}
        listed += [(f, "") for f in review.new if f.fingerprint not in seen]  # the LLM reviewer's
    return listed


def _result(finding: Finding, rule_index: int, prefix: str) -> dict[str, Any]:
    start = max(1, finding.line)
    return {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": f"{finding.message} Fix: {finding.fix}"},
        "locations": [_location(finding.path, prefix, start, max(start, finding.end_line))],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"confidence": finding.confidence.value, "source": finding.source},
    }


def _location(path: str, prefix: str, start: int, end: int) -> dict[str, Any]:
    uri = quote(str(PurePosixPath(prefix, path)) if prefix else path)
    return {
        "physicalLocation": {
            "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": start, "endLine": end},
        }
    }


def _coverage_notifications(result: AuditResult, prefix: str) -> list[dict[str, Any]]:
    return [
        {
            "level": "error" if skip.incomplete else "note",
            "message": {"text": f"{skip.path} was not fully audited: {skip.reason}"},
            "locations": [_location(skip.path, prefix, 1, 1)],
        }
        for skip in result.skipped
    ]


def _rule_descriptors(findings: Iterable[tuple[Finding, str]], rules: Sequence[Rule] | None) -> list[dict[str, Any]]:
    """The catalog's rules (with their documentation) and any rule a finding names beyond it."""
    if rules is None:
        from cynic.rules import ALL_RULES

        rules = ALL_RULES
    descriptors = {rule.code: _descriptor(rule) for rule in rules}
    for finding, _ in findings:
        if finding.rule not in descriptors:
            descriptors[finding.rule] = _descriptor_from_finding(finding)
    return [descriptors[code] for code in sorted(descriptors)]


def _descriptor(rule: Rule) -> dict[str, Any]:
    doc = rule.doc()
    text = inspect.getdoc(type(rule)) or rule.name
    return _shaped(
        rule.code,
        rule.name,
        rule.severity,
        [c.removeprefix("CWE-") for c in rule.cwe_ids()],
        summary=doc.summary or rule.name,
        full=doc.what_it_does or doc.summary or rule.name,
        help_text=text,
        precision=rule.confidence.value,
    )


def _descriptor_from_finding(finding: Finding) -> dict[str, Any]:
    summary = f"{finding.name} ({finding.source})"
    cwes = [c.removeprefix("CWE-") for c in finding.cwe]
    from cynic.reports.markdown import escape_markdown

    return _shaped(finding.rule, finding.name, finding.severity, cwes, summary=summary, full=summary, help_text=finding.fix,
                   help_markdown=escape_markdown(finding.fix), precision=finding.confidence.value)


def _shaped(
    code: str, name: str, severity: Severity, cwes: list[str], *, summary: str, full: str, help_text: str, precision: str,
    help_markdown: str | None = None,
) -> dict[str, Any]:
    """A rule descriptor; `help_markdown` defaults to `help_text` (our own docs are markdown)."""
    properties: dict[str, Any] = {
        "tags": ["security", *(f"external/cwe/cwe-{number}" for number in cwes)],
        "precision": precision,
        "problem.severity": "recommendation" if LEVEL[severity] == "note" else LEVEL[severity],
    }
    if severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[severity]
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": help_text, "markdown": help_text if help_markdown is None else help_markdown},
        "defaultConfiguration": {"level": LEVEL[severity]},
        "properties": properties,
    }
