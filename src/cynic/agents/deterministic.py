"""The deterministic coder: codemods for the findings they know, no LLM, no network."""

from __future__ import annotations

from cynic.agents.base import CodingOutcome, CodingTask


class DeterministicCoder:
    """Clears the checklist with `cynic.agents.fixers.apply_fixes`; leaves the rest to a human."""

    name = "deterministic"

    def code(self, task: CodingTask) -> CodingOutcome:
        from cynic.agents.fixers import apply_fixes  # libcst and tree-sitter: only when a round runs

        report = apply_fixes(task.workspace, list(task.checklist))
        fixed, left = len(report.fixed), len(report.unfixable)
        return CodingOutcome(
            summary=f"codemods addressed {fixed} finding{'s' * (fixed != 1)}; {left} left for an LLM or a human",
            changed_paths=list(report.changed_paths),
            addressed=list(report.fixed),
            needs_human=list(report.unfixable),
            notes=dict(report.unfixable),
            follow_ups=dict(report.follow_ups),
        )
