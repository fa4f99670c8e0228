"""The deterministic coder's fixers: codemods for the rules that can be fixed safely.

With no LLM configured, cynic still hardens a repository: `apply_fixes` runs one fixer per
finding whose rule has one, edits Python with libcst, TypeScript/TSX on tree-sitter byte ranges
and Dockerfiles on lines, re-parses every file it changed and undoes a finding's edits when they
would break syntax. Whatever it cannot fix stays on the checklist with the reason why.

This package imports libcst and tree-sitter: import it lazily, never on the `cynic --help` path.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cynic.agents.fixers import (
    auth001_token_storage,
    auth002_auth_cookie,
    auth004_credentials,
    auth005_bcrypt,
    cors001_cors_middleware,
    dock001_non_root_user,
    idor001_ownership_check,
    inj001_remove_reviewer_instructions,
    rate001_slowapi,
    rbac001_role_enum,
    rbac002_role_dependency,
    sec001_secret_from_env,
    sec002_dump_without_secrets,
    sql001_bound_parameters,
    val002_forbid_extra,
    xss001_dompurify,
)
from cynic.agents.fixers._workspace import Gone, Unfixable, Workspace, syntax_error
from cynic.models import Finding

Fixer = Callable[[Workspace, Finding], "str | None"]
"""Edits the workspace so that the finding's place is compliant, or raises `Unfixable`.

It returns what a person must still do after the fix (rotate a secret that git history keeps),
or None. A fixer that finds the place already compliant returns without editing: running it
twice changes nothing the second time.
"""

FIXERS: dict[str, Fixer] = {
    "AUTH001": auth001_token_storage.fix,
    "AUTH002": auth002_auth_cookie.fix,
    "AUTH003": auth002_auth_cookie.fix,
    "AUTH004": auth004_credentials.fix,
    "AUTH005": auth005_bcrypt.fix,
    "CORS001": cors001_cors_middleware.fix,
    "CORS002": cors001_cors_middleware.fix,
    "CORS003": cors001_cors_middleware.fix,
    "DOCK001": dock001_non_root_user.fix,
    "IDOR001": idor001_ownership_check.fix,
    "INJ001": inj001_remove_reviewer_instructions.fix,
    "RATE001": rate001_slowapi.fix,
    "RBAC001": rbac001_role_enum.fix,
    "RBAC002": rbac002_role_dependency.fix,
    "SEC001": sec001_secret_from_env.fix,
    "SEC002": sec002_dump_without_secrets.fix,
    "SQL001": sql001_bound_parameters.fix,
    "VAL002": val002_forbid_extra.fix,
    "XSS001": xss001_dompurify.fix,
}

NEEDS_HUMAN = "needs an LLM or a human"


@dataclass
class FixReport:
    """What one fixing run did."""

    changed_paths: list[str] = field(default_factory=list)  # relative to the workspace, "/"-separated
    fixed: list[str] = field(default_factory=list)  # fingerprints of findings a fixer addressed
    unfixable: dict[str, str] = field(default_factory=dict)  # fingerprint -> why
    follow_ups: dict[str, str] = field(default_factory=dict)  # fingerprint of a fixed finding -> what a person must still do


def apply_fixes(workspace: Path, findings: list[Finding], *, fixers: Mapping[str, Fixer] = FIXERS) -> FixReport:
    """Fix what can be fixed deterministically in `workspace` and report what is left, and why."""
    files = Workspace(workspace)
    report = FixReport()
    for finding in findings:
        fixer = fixers.get(finding.rule)
        if fixer is None:
            report.unfixable[finding.fingerprint] = f"{NEEDS_HUMAN}: cynic has no codemod for {finding.rule}; {finding.fix}"
            continue
        fixed, note = _run(fixer, files, finding)
        if fixed:
            report.fixed.append(finding.fingerprint)
            if note:
                report.follow_ups[finding.fingerprint] = note
        else:
            report.unfixable[finding.fingerprint] = note  # type: ignore[assignment]
    files.flush()
    report.changed_paths = files.changed()
    return report


def _run(fixer: Fixer, files: Workspace, finding: Finding) -> tuple[bool, str | None]:
    """Run one fixer as a transaction: (True, what is still to do) when fixed, else (False, why not)."""
    before = files.snapshot()
    follow_up = None
    try:
        follow_up = fixer(files, finding)
    except Gone:
        pass  # nothing left to change where the finding was
    except Unfixable as error:
        if not error.keep_edits:
            files.restore(before)
        return False, _needs_human(error.reason)
    except Exception as error:  # a codemod meeting code it did not expect must not stop the run
        files.restore(before)
        return False, _needs_human(f"the {finding.rule} codemod could not handle this code ({type(error).__name__}: {error})")
    for path in files.changed_since(before):
        problem = syntax_error(path, files.read(path)) if files.exists(path) else None
        if problem:
            files.restore(before)
            return False, _needs_human(f"the {finding.rule} codemod would break {path} ({problem}), so it was undone")
    if files.changed_since(before) or finding.path in files.changed():
        return True, follow_up
    return False, _needs_human(f"the {finding.rule} codemod found nothing to change at {finding.path}:{finding.line}")


def _needs_human(reason: str) -> str:
    return reason if reason.startswith(NEEDS_HUMAN) else f"{NEEDS_HUMAN}: {reason}"


__all__ = ["FIXERS", "FixReport", "Fixer", "apply_fixes"]
