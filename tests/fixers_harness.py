"""Read a fixer fixture: its `before/` and `after/` trees and the findings a detector reports."""

from __future__ import annotations

import json
from pathlib import Path

from cynic.fingerprints import Fingerprinter
from cynic.models import Confidence, Finding, Severity

FIXER_FIXTURES = Path(__file__).parent / "fixtures" / "fixers"


def fixture_cases() -> list[Path]:
    return sorted(p for p in FIXER_FIXTURES.iterdir() if (p / "findings.json").is_file())


def read_findings(case: Path) -> tuple[list[Finding], dict[str, str], dict[str, str]]:
    """The findings of `findings.json` (evidence read from `before/`), each one's expected outcome,
    and the follow-ups expected for fixed ones.

    An outcome is "fixed", or the start of the reason it is left unfixable. A follow-up is what a
    person must still do after the fix (`"follow_up"` in the entry).
    """
    fingerprint = Fingerprinter()
    findings, outcomes, follow_ups = [], {}, {}
    for entry in json.loads((case / "findings.json").read_text()):
        lines = (case / "before" / entry["path"]).read_text().splitlines()
        evidence = lines[entry["line"] - 1].strip() if entry["line"] <= len(lines) else ""
        finding = Finding(
            rule=entry["rule"],
            name=entry["rule"].lower(),
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            path=entry["path"],
            line=entry["line"],
            end_line=entry.get("end_line", entry["line"]),
            message=entry.get("message", "a flaw"),
            evidence=evidence,
            fix=entry.get("fix", "follow the rule's advice"),
            fingerprint=fingerprint(entry["rule"], entry["path"], evidence),
            whole_file=entry.get("whole_file", False),
        )
        findings.append(finding)
        outcomes[finding.fingerprint] = entry.get("expect", "fixed")
        if "follow_up" in entry:
            follow_ups[finding.fingerprint] = entry["follow_up"]
    return findings, outcomes, follow_ups


def tree_texts(root: Path) -> dict[str, str]:
    """Every file under `root` by its "/"-separated relative path."""
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}
