"""The registry of fact extractors, one per language, run on every file of their kinds."""

from __future__ import annotations

from cynic.project import FactExtractor
from cynic.project.js_facts import SCRIPT_FACTS
from cynic.project.python_facts import extract_python_facts
from cynic.source import FileKind

EXTRACTORS: list[FactExtractor] = [
    FactExtractor("python", frozenset({FileKind.PYTHON}), extract_python_facts),
    SCRIPT_FACTS,
]
