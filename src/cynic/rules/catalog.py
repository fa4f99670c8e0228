"""The catalog: an explicit registry of every rule, sorted by code (read through `cynic.rules`)."""

from __future__ import annotations

from cynic.rules.base import Rule
from cynic.rules.container.dock001_container_runs_as_root import ContainerRunsAsRoot
from cynic.rules.frontend.auth001_token_in_web_storage import TokenInWebStorage
from cynic.rules.frontend.auth004_request_without_credentials import RequestWithoutCredentials
from cynic.rules.frontend.xss001_unsanitized_inner_html import UnsanitizedInnerHtml
from cynic.rules.loop.supp001_agent_added_suppression import AgentAddedSuppression
from cynic.rules.loop.tamp001_agent_weakened_guard import AgentWeakenedGuard
from cynic.rules.python.auth002_jwt_not_httponly_cookie import JwtNotHttpOnlyCookie
from cynic.rules.python.auth003_weak_auth_cookie_flags import WeakAuthCookieFlags
from cynic.rules.python.auth005_non_bcrypt_password_hash import NonBcryptPasswordHash
from cynic.rules.python.cors001_wildcard_cors_origin import WildcardCorsOrigin
from cynic.rules.python.cors002_cors_origins_not_from_settings import CorsOriginsNotFromSettings
from cynic.rules.python.cors003_cors_credentials_disabled import CorsCredentialsDisabled
from cynic.rules.python.idor001_missing_ownership_check import MissingOwnershipCheck
from cynic.rules.python.rate001_missing_rate_limit import MissingRateLimit
from cynic.rules.python.rbac001_missing_role_enum import MissingRoleEnum
from cynic.rules.python.rbac002_role_check_outside_dependency import RoleCheckOutsideDependency
from cynic.rules.python.sec001_hardcoded_secret import HardcodedSecret
from cynic.rules.python.sec002_secrets_logged import SecretsLogged
from cynic.rules.python.sql001_raw_sql_string import RawSqlString
from cynic.rules.python.val001_unvalidated_request_body import UnvalidatedRequestBody
from cynic.rules.python.val002_unknown_fields_allowed import UnknownFieldsAllowed
from cynic.rules.text.inj001_reviewer_injection_attempt import ReviewerInjectionAttempt

ALL_RULES: list[Rule] = sorted(
    [
        AgentAddedSuppression(),
        AgentWeakenedGuard(),
        ContainerRunsAsRoot(),
        RequestWithoutCredentials(),
        TokenInWebStorage(),
        UnsanitizedInnerHtml(),
        ReviewerInjectionAttempt(),
        CorsCredentialsDisabled(),
        CorsOriginsNotFromSettings(),
        HardcodedSecret(),
        JwtNotHttpOnlyCookie(),
        MissingOwnershipCheck(),
        MissingRateLimit(),
        MissingRoleEnum(),
        NonBcryptPasswordHash(),
        RawSqlString(),
        RoleCheckOutsideDependency(),
        SecretsLogged(),
        UnknownFieldsAllowed(),
        UnvalidatedRequestBody(),
        WeakAuthCookieFlags(),
        WildcardCorsOrigin(),
    ],
    key=lambda rule: rule.code,
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
