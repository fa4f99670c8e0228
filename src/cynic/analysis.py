"""What the rules produce: a hit, one file's analysis, and the rule card that turns a hit into a finding.

These live apart from the rules so that a warm audit, served from the cache, builds its findings
without importing a single rule module: the cache keeps every file's hits and every active
rule's card as plain values (`as_tuple` / `from_tuple`). `Hit` and `RuleCard` are named
tuples: every audit process defines them, and a warm one makes a `Hit` per cached hit; a frozen
dataclass costs several times more to define and to make.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cynic.models import Finding
from cynic.severity import Confidence, Severity

EVIDENCE_CHARS = 300

HitValues = tuple[str, int, str, "int | None", "str | None", "str | None", bool]


class Hit(NamedTuple):
    """A place where a rule fires. Unset fields take the rule's defaults."""

    path: str
    line: int
    message: str
    end_line: int | None = None
    confidence: Confidence | None = None
    fix: str | None = None
    whole_file: bool = False

    def as_tuple(self) -> HitValues:
        confidence = None if self.confidence is None else self.confidence.value
        return self.path, self.line, self.message, self.end_line, confidence, self.fix, self.whole_file

    @classmethod
    def from_tuple(cls, values: HitValues) -> Hit:
        path, line, message, end_line, confidence, fix, whole_file = values
        return cls(path, line, message, end_line, None if confidence is None else Confidence(confidence), fix, whole_file)


def hits_as_tuples(hits: list[tuple[str, Hit]]) -> tuple[tuple[str, HitValues], ...]:
    """(rule code, hit) pairs as plain values."""
    return tuple((code, hit.as_tuple()) for code, hit in hits)


def hits_from_tuples(values: tuple[tuple[str, HitValues], ...]) -> list[tuple[str, Hit]]:
    return [(code, Hit.from_tuple(hit)) for code, hit in values] if values else []


@dataclass
class FileAnalysis:
    """What one file contributes: its hits from file rules, its facts, and any parse failure."""

    path: str
    hits: list[tuple[str, Hit]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    parse_error: str | None = None
    facts_key: str = ""  # a hash of `facts`: the project rules' cached hits hold while no file's changes
    # `facts` pickled, once: hashed for `facts_key`, sent from a worker process, stored in the cache.
    facts_pickle: bytes = field(default=b"", repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (by a worker process) with its facts once: as `facts_pickle` when that holds them."""
        return {**self.__dict__, "facts": None} if self.facts_pickle else self.__dict__

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        if self.facts is None:
            import pickle

            self.facts = pickle.loads(self.facts_pickle)

    def as_tuple(self) -> tuple[str, tuple[tuple[str, HitValues], ...], str | None, str]:
        """Everything but the facts (cached on their own), as plain values."""
        return self.path, hits_as_tuples(self.hits), self.parse_error, self.facts_key

    @classmethod
    def from_tuple(cls, values: tuple[str, tuple[tuple[str, HitValues], ...], str | None, str]) -> FileAnalysis:
        path, hits, parse_error, facts_key = values
        return cls(path, hits_from_tuples(hits), {}, parse_error, facts_key)


CardValues = tuple[str, str, str, str, tuple[str, ...], str, bool, tuple[str, ...], str]


class RuleCard(NamedTuple):
    """What a finding carries of its rule: name, severity, default confidence, CWEs and fix; and
    what an audit needs to load the rule alone: the kinds of file it reads (a file rule) and the
    `module:Class` that defines it."""

    code: str
    name: str
    severity: Severity
    confidence: Confidence
    cwe: tuple[str, ...]
    fix: str
    is_project_rule: bool = False
    kinds: tuple[str, ...] = ()  # FileKind values; none for a project rule
    defined_in: str = ""

    def to_finding(self, hit: Hit, evidence: str, fingerprint: str) -> Finding:
        """The finding for `hit`, carrying this rule's metadata where the hit sets none."""
        return Finding(
            rule=self.code,
            name=self.name,
            severity=self.severity,
            confidence=hit.confidence or self.confidence,
            cwe=list(self.cwe),
            path=hit.path,
            line=hit.line,
            end_line=hit.end_line or hit.line,
            message=hit.message,
            evidence=evidence[:EVIDENCE_CHARS],
            fix=hit.fix or self.fix,
            fingerprint=fingerprint,
            whole_file=hit.whole_file,
        )

    def as_tuple(self) -> CardValues:
        return (self.code, self.name, self.severity.value, self.confidence.value, self.cwe, self.fix,
                self.is_project_rule, self.kinds, self.defined_in)

    @classmethod
    def from_tuple(cls, values: CardValues) -> RuleCard:
        code, name, severity, confidence, cwe, fix, is_project_rule, kinds, defined_in = values
        return cls(code, name, Severity(severity), Confidence(confidence), tuple(cwe), fix, is_project_rule,
                   tuple(kinds), defined_in)
