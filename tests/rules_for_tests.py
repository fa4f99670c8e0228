"""A test-only rule, registered only where a test passes it to `audit(root, rules=[...])`."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.rules.base import FileRule, Hit
from cynic.source import FileKind, SourceFile


class DangerCall(FileRule):
    """Calls to `danger(...)`.

    ## What it does
    Flags every call to `danger`.
    """

    code = "TEST001"
    name = "danger-call"
    severity = Severity.HIGH
    cwe = (78,)
    fix = "Call `safe(...)` instead."
    kinds = frozenset({FileKind.PYTHON})
    needs_tree = False

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        for number, text in enumerate(source.lines, start=1):
            if "danger(" in text:
                yield self.hit(source.path, number, "danger() runs a shell command built from input.")
