"""Severity and confidence: plain enums, light enough for the command line's start-up path."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How bad a finding is, most severe first."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe; sorts a checklist worst-first."""
        return list(Severity).index(self)

    def at_least(self, threshold: Severity) -> bool:
        """True when this severity is as bad as `threshold` or worse."""
        return self.rank <= threshold.rank


class Confidence(StrEnum):
    """How sure the detector is that a reviewer would agree."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return list(Confidence).index(self)
