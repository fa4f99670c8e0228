"""What a rule is: metadata, its own documentation, and a check that yields hits.

Two shapes, chosen by what the rule needs to see:

- a `FileRule` reads one parsed file at a time (a raw SQL f-string, a token in localStorage);
- a `ProjectRule` reads the project model, the facts every file contributed (a rate limiter
  that must be present somewhere, an ownership check that lives in another module).

Rules never build findings themselves: they yield `Hit`s, and the audit engine adds the rule's
metadata, the evidence line, the fingerprint and the suppression check, once, for all rules.
"""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from cynic.analysis import Hit, RuleCard
from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Finding, Severity
from cynic.source import FileKind, SourceFile

if TYPE_CHECKING:
    from cynic.project import Project


class RuleDoc(NamedTuple):
    """A rule's docstring split into ruff's sections."""

    summary: str
    what_it_does: str
    why: str
    example: str
    use_instead: str
    references: str

    @property
    def example_code(self) -> tuple[str, str] | None:
        return _first_fence(self.example)

    @property
    def use_instead_code(self) -> tuple[str, str] | None:
        return _first_fence(self.use_instead)


class Rule(ABC):
    """Base of every catalog rule. Subclasses set the class attributes and a docstring."""

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    confidence: ClassVar[Confidence] = Confidence.HIGH
    cwe: ClassVar[tuple[int, ...]] = ()
    fix: ClassVar[str]

    def hit(self, path: str, line: int, message: str, **fields: object) -> Hit:
        return Hit(path=path, line=line, message=message, **fields)  # type: ignore[arg-type]

    def to_finding(self, hit: Hit, evidence: str, fingerprint: str) -> Finding:
        """The finding for `hit`, carrying this rule's metadata where the hit sets none."""
        return self.card().to_finding(hit, evidence, fingerprint)

    def card(self) -> RuleCard:
        """What findings of this rule carry of it (kept in the cache, so a warm audit needs no rule)."""
        return RuleCard(self.code, self.name, self.severity, self.confidence, tuple(self.cwe_ids()), self.fix,
                        isinstance(self, ProjectRule))

    @classmethod
    def doc(cls) -> RuleDoc:
        return parse_doc(inspect.getdoc(cls) or "")

    @classmethod
    def cwe_ids(cls) -> list[str]:
        return [f"CWE-{number}" for number in cls.cwe]


class FileRule(Rule):
    """A rule that judges one file at a time, from its parse tree (or its text)."""

    kinds: ClassVar[frozenset[FileKind]]
    needs_tree: ClassVar[bool] = True

    @abstractmethod
    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        """Where this rule fires in `source`."""


class ProjectRule(Rule):
    """A rule that judges the whole project from the facts its files contributed."""

    # The fact extractors (`FactExtractor.name`) whose facts the rule reads; None: all of them.
    # Rules that read the same ones share one project, and run again together only when an edit
    # changes what they read (`cynic.project.incremental`). What they read is recorded only
    # through `Project.facts_of` and, for Python facts, the symbol table's `view` and `lookup`:
    # a rule that reached facts any other way could keep hits an edit should have changed.
    extractors: ClassVar[tuple[str, ...] | None] = None

    @abstractmethod
    def check_project(self, project: Project) -> Iterator[Hit]:
        """Where this rule fires in the project, judged from its facts."""


_SECTION = lazy_compile(r"^## (What it does|Why is this bad\?|Example|Use instead|References)\s*$", re.M)


def parse_doc(text: str) -> RuleDoc:
    """Split a ruff-style docstring ("## What it does", "## Why is this bad?", ...)."""
    summary, *rest = _SECTION.split(text)
    sections = dict(zip(rest[::2], (body.strip() for body in rest[1::2]), strict=True))
    return RuleDoc(
        summary=summary.strip(),
        what_it_does=sections.get("What it does", ""),
        why=sections.get("Why is this bad?", ""),
        example=sections.get("Example", ""),
        use_instead=sections.get("Use instead", ""),
        references=sections.get("References", ""),
    )


_FENCE = lazy_compile(r"```(\w+)(?:[ \t]+(\S+))?\n(.*?)```", re.S)


def _first_fence(section: str) -> tuple[str, str] | None:
    """(file name, code) of a section's first fenced block: ```python main.py -> ("main.py", ...)."""
    match = _FENCE.search(section)
    if not match:
        return None
    language, filename, code = match.groups()
    default_names = {"python": "app.py", "tsx": "App.tsx", "ts": "api.ts", "dockerfile": "Dockerfile", "dotenv": ".env"}
    return filename or default_names.get(language, f"snippet.{language}"), code
