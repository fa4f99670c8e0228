"""The LLM coder: a tool-calling loop in the sandbox workspace, one call to `code` per round.

Each round starts from a fresh conversation: the rulebook, the request, the worst open findings
of the checklist (capped; each rule's why and use-instead given once), a capped map of the
repository and the previous round's test output. File contents reach the model only through the tools, so a round's prompt
does not grow with the repository beyond the map. The model ends the round by answering without
a tool call, with a JSON block naming the checklist items it fixed and those it cannot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cynic.agents.base import CodingOutcome, CodingTask, Usage
from cynic.agents.llm import ChatClient, Message, build_client
from cynic.agents.redact import REDACTED, redact_file, redact_secrets
from cynic.agents.tools import TOOL_SPECS, Toolbox, files_under
from cynic.config import Settings
from cynic.models import Finding
from cynic.prompts import render
from cynic.rules import RULES_BY_CODE

REPO_MAP_ENTRIES = 300
CHECKLIST_ENTRIES = 60  # the worst open findings shown in one round; the rest come back in later rounds
TEST_OUTPUT_CHARS = 6_000


class _LeftForHuman(BaseModel):
    fingerprint: str
    why: str = ""


class _FinalReport(BaseModel):
    summary: str = ""
    addressed: list[str] = []
    needs_human: list[_LeftForHuman] = []


@dataclass
class RoundReport:
    """What the tools saw in the last round: for the loop's log and for tests."""

    tool_calls: int = 0
    refused: list[str] = field(default_factory=list)
    stopped_by: str | None = None  # "tool-call budget", "token budget" or "run budget" when a cap ended the round


class LLMCoder:
    """A `Coder` driven by any OpenAI-compatible model through the workspace tools."""

    name = "llm-coder"

    def __init__(
        self,
        settings: Settings,
        *,
        client: ChatClient | None = None,
        record_to: Path | None = None,
        run_tests: Callable[[Path], str] | None = None,
    ) -> None:
        """`run_tests(workspace)` runs the project's tests in the round's workspace and returns
        their output (the `run_tests` tool); without it the tool says no test command is set."""
        self.settings = settings
        self.client = client or build_client(settings, "coder", record_to=record_to)
        self.run_tests = run_tests
        self.last_round = RoundReport()

    def code(self, task: CodingTask) -> CodingOutcome:
        """Work one round in `task.workspace` and say what changed."""
        toolbox = Toolbox(task.workspace, partial(self.run_tests, task.workspace) if self.run_tests else None)
        messages = self.opening_messages(task)
        usage = Usage()
        report = RoundReport()
        final: str | None = None
        while final is None:
            if usage.total_tokens >= self.settings.coder_max_round_tokens:
                report.stopped_by = "token budget"
                break
            if _run_budget_spent(task, usage):
                report.stopped_by = "run budget"
                break
            out_of_calls = toolbox.calls >= self.settings.coder_max_tool_calls
            if out_of_calls:
                report.stopped_by = "tool-call budget"
                messages.append({"role": "user", "content": "The tool-call budget of this round is spent. Answer now, without tools, with your summary and the JSON block."})
            reply = self.client.chat(messages, None if out_of_calls else TOOL_SPECS)
            usage.add(reply.usage)
            messages.append(reply.message)
            if not reply.tool_calls or out_of_calls:
                final = reply.content or ""
                break
            for call in reply.tool_calls:
                result = (
                    toolbox.call(call.name, call.arguments)
                    if toolbox.calls < self.settings.coder_max_tool_calls
                    else "error: the tool-call budget of this round is spent; finish with your summary"
                )
                messages.append({"role": "tool", "tool_call_id": call.id, "content": result})
        report.tool_calls, report.refused = toolbox.calls, list(toolbox.refused)
        self.last_round = report
        return _outcome(final, task, toolbox, report, usage)

    def opening_messages(self, task: CodingTask) -> list[Message]:
        """The system prompt and the round's task prompt (also used by tests to inspect them)."""
        system = render(
            "coder_system.md.j2",
            rulebook=task.rulebook,
            redacted=REDACTED,
            max_tool_calls=self.settings.coder_max_tool_calls,
        )
        entries = list(files_under(task.workspace.resolve(), task.workspace.resolve()))
        user = render(
            "coder_task.md.j2",
            round=task.round,
            request=redact_secrets(task.request) if task.request else None,
            checklist=_checklist(task.checklist[:CHECKLIST_ENTRIES]),
            checklist_omitted=max(0, len(task.checklist) - CHECKLIST_ENTRIES),
            test_output=_tail(redact_secrets(task.test_output)) if task.test_output else None,
            repo_map=entries[:REPO_MAP_ENTRIES],
            omitted=max(0, len(entries) - REPO_MAP_ENTRIES),
        )
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _run_budget_spent(task: CodingTask, usage: Usage) -> bool:
    """The run's token or cost budget left for this round is used up."""
    return (task.max_tokens is not None and usage.total_tokens >= task.max_tokens) or (
        task.max_cost is not None and usage.cost >= task.max_cost
    )


def _checklist(findings: list[Finding]) -> list[dict[str, Any]]:
    """The checklist for the prompt; a rule's why and use-instead are given once, at its first finding."""
    explained: set[str] = set()
    items = []
    for finding in findings:
        items.append(_checklist_item(finding, explain=finding.rule not in explained))
        explained.add(finding.rule)
    return items


def _checklist_item(finding: Finding, *, explain: bool) -> dict[str, Any]:
    rule = RULES_BY_CODE.get(finding.rule)
    doc = rule.doc() if rule and explain else None
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "fingerprint": finding.fingerprint,
        "message": finding.message,
        "evidence": redact_file(finding.path, finding.evidence),
        "fix": finding.fix,
        "why": doc.why if doc else "",
        "use_instead": doc.use_instead if doc else "",
    }


def _tail(text: str) -> str:
    return text if len(text) <= TEST_OUTPUT_CHARS else "... (start cut)\n" + text[-TEST_OUTPUT_CHARS:]


_JSON_BLOCK = re.compile(r"```(?:json)?\s*(\{.*?\})\s*```", re.S)


def _outcome(final: str | None, task: CodingTask, toolbox: Toolbox, report: RoundReport, usage: Usage) -> CodingOutcome:
    parsed = _final_report(final or "")
    open_items = {finding.fingerprint for finding in task.checklist}
    summary = parsed.summary or _JSON_BLOCK.sub("", final or "").strip()
    if report.stopped_by:
        summary = f"{summary}\n(The round stopped at its {report.stopped_by}.)".strip()
    notes = {item.fingerprint: item.why for item in parsed.needs_human if item.fingerprint in open_items}
    return CodingOutcome(
        summary=summary or "(the coder gave no summary)",
        changed_paths=list(toolbox.changed),
        addressed=[fp for fp in parsed.addressed if fp in open_items],
        needs_human=[item.fingerprint for item in parsed.needs_human if item.fingerprint in open_items],
        notes=notes,
        refused=list(report.refused),
        usage=usage,
    )


def _final_report(text: str) -> _FinalReport:
    """The JSON block that ends the coder's answer; a plain-text answer is its summary."""
    candidates = _JSON_BLOCK.findall(text)
    start, end = text.find("{"), text.rfind("}")
    if not candidates and start != -1 and end > start:
        candidates = [text[start : end + 1]]
    for candidate in reversed(candidates):
        try:
            return _FinalReport.model_validate(json.loads(candidate))
        except (json.JSONDecodeError, ValidationError):
            continue
    return _FinalReport()
