"""Test-only rules, registered only where a test passes them to `audit(root, rules=[...])`."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.project import Project
from cynic.project.fastapi import fastapi_model
from cynic.rules.base import FileRule, Hit, ProjectRule
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


class RoutesSeen(ProjectRule):
    """Every route of the FastAPI model; counts the runs, to tell a rerun from reused hits.

    ## What it does
    Flags every route.
    """

    code = "TEST002"
    name = "route-seen"
    severity = Severity.LOW
    fix = "Nothing to fix."
    extractors = ("python",)

    def __init__(self) -> None:
        self.runs = 0

    def check_project(self, project: Project) -> Iterator[Hit]:
        self.runs += 1
        for view in fastapi_model(project).routes:
            yield self.hit(view.file, view.line, f"{view.route.method} {view.path}")
