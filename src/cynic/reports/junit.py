"""JUnit XML for CI test dashboards: one test case per rule, failing when the rule has findings
on the checklist (new ones in a review), and one `coverage` case that errors when the audit is
incomplete. Built with ElementTree, so every value is escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cynic.models import AuditResult, Finding

if TYPE_CHECKING:
    from cynic.review.result import ReviewResult
    from cynic.rules.base import Rule

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render_junit(result: AuditResult, review: ReviewResult | None = None, rules: Sequence[Rule] | None = None) -> str:
    """JUnit XML of an audit, or of a review when `review` is given (`result` is then its head)."""
    if rules is None:
        from cynic.rules import ALL_RULES

        rules = ALL_RULES
    checklist = review.checklist if review else result.findings
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in checklist:
        by_rule[finding.rule].append(finding)
    names = {rule.code: rule.name for rule in rules} | {f.rule: f.name for f in checklist}
    incomplete = review.incomplete if review else result.incomplete
    suite_name = "cynic review" if review else "cynic audit"
    suite = ET.Element("testsuite", name=suite_name)
    for code in sorted(names):
        case = ET.SubElement(suite, "testcase", classname="cynic.rules", name=f"{code} {names[code]}")
        found = by_rule.get(code)
        if found:
            failure = ET.SubElement(
                case, "failure", type=found[0].severity.value, message=f"{len(found)} {'new ' if review else ''}finding(s)"
            )
            failure.text = "\n".join(_describe(f) for f in found)
    coverage = ET.SubElement(suite, "testcase", classname="cynic", name="coverage")
    unread = [s for s in result.skipped if s.incomplete]
    if review is not None:
        unread += [s for s in review.base_coverage.skipped if s.incomplete]
    if incomplete:
        message = "the review is incomplete" if review else "the audit is incomplete"
        error = ET.SubElement(coverage, "error", type="incomplete", message=message)
        error.text = _xml_text("\n".join(f"{s.path}: {s.reason}" for s in unread) or _llm_unread(review))
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(by_rule)))
    suite.set("errors", "1" if incomplete else "0")
    root = ET.Element("testsuites", name="cynic")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _describe(finding: Finding) -> str:
    location = f"{finding.severity.value.upper()} {finding.path}:{finding.line}"
    return _xml_text(f"{location}: {finding.message}\n  {finding.evidence}\n  Fix: {finding.fix}")


def _xml_text(text: str) -> str:
    """`text` with the characters XML 1.0 cannot hold (NUL, most control codes) replaced."""
    return _NOT_XML.sub("\ufffd", text)


def _llm_unread(review: ReviewResult | None) -> str:
    if review is None or review.llm is None:
        return ""
    return "the LLM reviewer did not read: " + ", ".join(review.llm.files_not_read)
