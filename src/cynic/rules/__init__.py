"""The catalog: an explicit registry of every rule, sorted by code."""

from __future__ import annotations

from cynic.rules.base import FileRule, ProjectRule, Rule
from cynic.rules.container.dock001_container_runs_as_root import ContainerRunsAsRoot
from cynic.rules.frontend.auth001_token_in_web_storage import TokenInWebStorage
from cynic.rules.frontend.auth004_request_without_credentials import RequestWithoutCredentials
from cynic.rules.frontend.xss001_unsanitized_inner_html import UnsanitizedInnerHtml
from cynic.rules.text.inj001_reviewer_injection_attempt import ReviewerInjectionAttempt

ALL_RULES: list[Rule] = sorted(
    [
        ContainerRunsAsRoot(),
        TokenInWebStorage(),
        RequestWithoutCredentials(),
        UnsanitizedInnerHtml(),
        ReviewerInjectionAttempt(),
    ],
    key=lambda rule: rule.code,
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "FileRule", "ProjectRule", "Rule"]
