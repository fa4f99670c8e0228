"""The catalog: an explicit registry of every rule, sorted by code."""

from __future__ import annotations

from cynic.rules.base import FileRule, ProjectRule, Rule
from cynic.rules.loop.supp001_agent_added_suppression import AgentAddedSuppression
from cynic.rules.loop.tamp001_agent_weakened_guard import AgentWeakenedGuard
from cynic.rules.text.inj001_reviewer_injection_attempt import ReviewerInjectionAttempt

ALL_RULES: list[Rule] = sorted(
    [
        AgentAddedSuppression(),
        AgentWeakenedGuard(),
        ReviewerInjectionAttempt(),
    ],
    key=lambda rule: rule.code,
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "FileRule", "ProjectRule", "Rule"]
