"""The registry of fact extractors, one per language, run on every file of their kinds."""

from __future__ import annotations

from cynic.project import FactExtractor
from cynic.source import FileKind

EXTRACTORS: list[FactExtractor] = [
    FactExtractor("python", frozenset({FileKind.PYTHON}), "cynic.project.python_facts:extract_python_facts"),
    FactExtractor("script", frozenset({FileKind.SCRIPT}), "cynic.project.js_facts:extract_script_facts"),
]
