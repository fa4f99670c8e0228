"""The rules: `ALL_RULES` (every rule, sorted by code) and `RULES_BY_CODE`, from the registry in
`cynic.rules.catalog`.

The registry is imported when one of those names is first read, not with this package: a warm
audit that re-reads one edited Python file imports only the modules of the rules that read
Python files (`cynic.audit`), not all of them.
"""

from __future__ import annotations

from typing import Any

from cynic.rules.base import FileRule, ProjectRule, Rule

__all__ = ["ALL_RULES", "RULES_BY_CODE", "FileRule", "ProjectRule", "Rule"]


def __getattr__(name: str) -> Any:
    """`ALL_RULES` and `RULES_BY_CODE`, read from the registry the first time one is asked for."""
    if name not in ("ALL_RULES", "RULES_BY_CODE"):
        raise AttributeError(f"module 'cynic.rules' has no attribute {name!r}")
    from cynic.rules import catalog

    value = getattr(catalog, name)
    globals()[name] = value
    return value
