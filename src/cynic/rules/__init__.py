"""The catalog: an explicit registry of every rule, sorted by code."""

from __future__ import annotations

from cynic.rules.base import FileRule, ProjectRule, Rule
from cynic.rules.python.auth002_jwt_not_httponly_cookie import JwtNotHttpOnlyCookie
from cynic.rules.python.auth003_weak_auth_cookie_flags import WeakAuthCookieFlags
from cynic.rules.python.auth005_non_bcrypt_password_hash import NonBcryptPasswordHash
from cynic.rules.python.sec001_hardcoded_secret import HardcodedSecret
from cynic.rules.python.sec002_secrets_logged import SecretsLogged
from cynic.rules.python.sql001_raw_sql_string import RawSqlString
from cynic.rules.python.val001_unvalidated_request_body import UnvalidatedRequestBody
from cynic.rules.text.inj001_reviewer_injection_attempt import ReviewerInjectionAttempt

ALL_RULES: list[Rule] = sorted(
    [
        ReviewerInjectionAttempt(),
        RawSqlString(),
        JwtNotHttpOnlyCookie(),
        WeakAuthCookieFlags(),
        NonBcryptPasswordHash(),
        UnvalidatedRequestBody(),
        SecretsLogged(),
        HardcodedSecret(),
    ],
    key=lambda rule: rule.code,
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "FileRule", "ProjectRule", "Rule"]
