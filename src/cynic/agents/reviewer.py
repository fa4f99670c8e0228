"""The LLM reviewer: a cynical auditor that adds findings to the deterministic ones, never removes any.

The code under review (the run's diff, then the touched files, within a token budget) is put in
the prompt as data between delimiters derived from its own hash, which the code cannot contain.
Every finding must quote evidence found at the place it names (within two lines, whitespace
folded); the others are dropped and counted. The security agent's `merge_findings` joins them
with the deterministic findings, which the reviewer can never remove or downgrade.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel, Field

from cynic.agents.base import ReviewOutcome, ReviewTask
from cynic.agents.llm import ChatClient, build_client
from cynic.agents.redact import redact_diff, redact_file
from cynic.config import Settings
from cynic.fingerprints import Fingerprinter, normalise
from cynic.models import Confidence, Finding, Severity
from cynic.prompts import render
from cynic.rules import RULES_BY_CODE
from cynic.sandbox.paths import PathEscape, resolve_inside

CHARS_PER_TOKEN = 4
EVIDENCE_SLACK = 2  # lines either side of the named line where the evidence may be


class LLMFinding(BaseModel):
    """One finding as the model reports it."""

    rule: str = Field(description="Rulebook ID such as SQL001, or LLM-<slug> when none fits")
    severity: Severity
    confidence: Confidence
    path: str
    line: int = Field(ge=1)
    evidence: str = Field(description="The offending code, quoted exactly")
    message: str
    fix: str = ""


class LLMFindings(BaseModel):
    findings: list[LLMFinding]


class LLMReviewer:
    """A `Reviewer` driven by any OpenAI-compatible model."""

    name = "llm-reviewer"

    def __init__(self, settings: Settings, *, client: ChatClient | None = None, record_to: Path | None = None) -> None:
        self.settings = settings
        self.client = client or build_client(settings, "reviewer", record_to=record_to)

    def review(self, task: ReviewTask) -> ReviewOutcome:
        """Audit the changed code and return only the findings whose evidence checks out."""
        budget = self.settings.reviewer_max_code_tokens * CHARS_PER_TOKEN
        diff = redact_diff(task.diff)
        if len(diff) > budget // 2:
            diff = diff[: budget // 2] + f"\n[diff cut here: {len(diff) - budget // 2} more characters]"
        files, read, not_read = _files_within(task.workspace, task.changed_paths, budget - len(diff))
        delimiter = _delimiter(diff, files)
        messages = [
            {"role": "system", "content": render("reviewer_system.md.j2", rulebook=task.rulebook, delimiter=delimiter)},
            {
                "role": "user",
                "content": render(
                    "reviewer_task.md.j2",
                    deterministic=task.deterministic,
                    not_shown=not_read,
                    delimiter=delimiter,
                    diff=diff,
                    files=files,
                ),
            },
        ]
        answer, usage = self.client.chat_json(messages, LLMFindings, "findings")
        kept, dropped = _checked(answer.findings, task.workspace, task.rulebook)
        return ReviewOutcome(findings=kept, files_read=read, files_not_read=not_read, dropped=dropped, usage=usage)


def _files_within(workspace: Path, paths: list[str], budget: int) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """The touched files that fit the budget (numbered, redacted), then which were and were not shown."""
    files: list[dict[str, str]] = []
    read: list[str] = []
    not_read: list[str] = []
    for path in paths:
        text = _read(workspace, path)
        numbered = None if text is None else _numbered(redact_file(path, text))
        if numbered is None or len(numbered) > budget:
            not_read.append(path)
            continue
        budget -= len(numbered)
        files.append({"path": path, "numbered": numbered})
        read.append(path)
    return files, read, not_read


def _read(workspace: Path, path: str) -> str | None:
    try:
        return resolve_inside(workspace, path).read_text(encoding="utf-8")
    except (PathEscape, OSError, UnicodeDecodeError):
        return None


def _numbered(text: str) -> str:
    return "\n".join(f"{number:>5}| {line}" for number, line in enumerate(text.splitlines(), start=1))


def _delimiter(diff: str, files: list[dict[str, str]]) -> str:
    """A marker the code cannot contain: it is derived from the code itself."""
    digest = hashlib.sha256(diff.encode())
    for file in files:
        digest.update(file["numbered"].encode())
    return f"<<<DATA-{digest.hexdigest()[:32]}>>>"


def _checked(reported: list[LLMFinding], workspace: Path, rulebook: str) -> tuple[list[Finding], int]:
    """Findings whose evidence is at the place they name, as catalog `Finding`s; and the dropped count."""
    fingerprint = Fingerprinter()
    kept: list[Finding] = []
    seen: set[tuple[str, str, int]] = set()
    dropped = 0
    for item in reported:
        text = _read(workspace, item.path)
        evidence = _LINE_NUMBER.sub("", item.evidence).strip()
        line = _locate(redact_file(item.path, text), evidence, item.line) if text is not None else None
        if line is None:
            dropped += 1
            continue
        rule_id = _rule_id(item.rule, rulebook)
        if (rule_id, item.path, line) in seen:
            continue
        seen.add((rule_id, item.path, line))
        catalog = RULES_BY_CODE.get(rule_id)
        kept.append(
            Finding(
                rule=rule_id,
                name=catalog.name if catalog else rule_id.removeprefix("LLM-").lower(),
                severity=item.severity,
                confidence=item.confidence,
                cwe=catalog.cwe_ids() if catalog else [],
                path=item.path,
                line=line,
                end_line=line + evidence.count("\n"),
                message=item.message,
                evidence=evidence[:300],
                fix=item.fix or (catalog.fix if catalog else ""),
                fingerprint=fingerprint(rule_id, item.path, evidence),
                source="llm",
            )
        )
    return kept, dropped


def _locate(text: str, evidence: str, claimed: int) -> int | None:
    """The line nearest `claimed` (±2) where `evidence` starts, whitespace folded; None if absent."""
    wanted = normalise(evidence)
    if not wanted:
        return None
    lines = text.splitlines()
    height = evidence.strip().count("\n") + 1
    starts = range(max(1, claimed - EVIDENCE_SLACK), min(len(lines), claimed + EVIDENCE_SLACK) + 1)
    for start in sorted(starts, key=lambda number: abs(number - claimed)):
        if wanted in normalise(" ".join(lines[start - 1 : start - 1 + height])):
            return start
    return None


_SLUG = re.compile(r"[^a-z0-9]+")
_LINE_NUMBER = re.compile(r"^ *\d+\| ?", re.M)  # the numbering the prompt added to each line
_RULE_SHAPE = re.compile(r"[A-Z]{2,8}\d{3}")


def _rule_id(reported: str, rulebook: str) -> str:
    """A catalog or rulebook ID when the model named one, else `LLM-<slug>`."""
    code = reported.strip().upper()
    if code in RULES_BY_CODE or (_RULE_SHAPE.fullmatch(code) and re.search(rf"\b{code}\b", rulebook)):
        return code
    slug = _SLUG.sub("-", reported.strip().lower().removeprefix("llm-").removeprefix("llm")).strip("-")
    return f"LLM-{slug or 'finding'}"
