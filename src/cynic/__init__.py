"""cynic: a coding agent and a deeply cynical security agent, taking turns until the checklist is empty.

The library surface is small: `audit(root)` returns an `AuditResult` of `Finding`s, each with a
`Severity` and a `Confidence`. Names are imported on first use, so `import cynic` (and the
`cynic --help` path) stays light.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from cynic._version import __version__

if TYPE_CHECKING:
    from cynic.audit import audit
    from cynic.models import AuditResult, Finding
    from cynic.severity import Confidence, Severity

__all__ = ["AuditResult", "Confidence", "Finding", "Severity", "__version__", "audit"]

_LAZY = {
    "AuditResult": "cynic.models",
    "Confidence": "cynic.severity",
    "Finding": "cynic.models",
    "Severity": "cynic.severity",
    "audit": "cynic.audit",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cynic' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """The `cynic` package, where `cynic.audit` always names the function.

    Importing the submodule `cynic.audit` would bind the module to the package's `audit`
    attribute; that one binding is skipped (the module stays in `sys.modules["cynic.audit"]`).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _LAZY and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
