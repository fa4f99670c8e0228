"""The catalog: an explicit registry of every rule, sorted by code."""

from __future__ import annotations

from cynic.rules.base import FileRule, ProjectRule, Rule
from cynic.rules.python.cors001_wildcard_cors_origin import WildcardCorsOrigin
from cynic.rules.python.cors002_cors_origins_not_from_settings import CorsOriginsNotFromSettings
from cynic.rules.python.cors003_cors_credentials_disabled import CorsCredentialsDisabled
from cynic.rules.python.idor001_missing_ownership_check import MissingOwnershipCheck
from cynic.rules.python.rate001_missing_rate_limit import MissingRateLimit
from cynic.rules.python.rbac001_missing_role_enum import MissingRoleEnum
from cynic.rules.python.rbac002_role_check_outside_dependency import RoleCheckOutsideDependency
from cynic.rules.python.val002_unknown_fields_allowed import UnknownFieldsAllowed
from cynic.rules.text.inj001_reviewer_injection_attempt import ReviewerInjectionAttempt

ALL_RULES: list[Rule] = sorted(
    [
        ReviewerInjectionAttempt(),
        WildcardCorsOrigin(),
        CorsOriginsNotFromSettings(),
        CorsCredentialsDisabled(),
        MissingOwnershipCheck(),
        MissingRateLimit(),
        MissingRoleEnum(),
        RoleCheckOutsideDependency(),
        UnknownFieldsAllowed(),
    ],
    key=lambda rule: rule.code,
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "FileRule", "ProjectRule", "Rule"]
