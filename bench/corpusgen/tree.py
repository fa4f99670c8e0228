"""The in-memory tree being generated: files, line count, and the injected-violation manifest."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

# Share of eligible files that receive a planted violation.
VIOLATION_RATE = 0.04
# Chance that an app-wide file (config, main, Dockerfile...) comes in its violating variant.
BAD_VARIANT_RATE = 0.3


@dataclass
class Tree:
    """Collects generated files and records which catalog rules were planted where."""

    rng: random.Random
    files: dict[str, str] = field(default_factory=dict)
    planted: list[dict[str, str]] = field(default_factory=list)
    lines: int = 0

    def add(self, path: str, text: str) -> None:
        """Add one file; `text` is normalised to end with exactly one newline."""
        text = text.strip("\n") + "\n"
        if path in self.files:
            raise ValueError(f"duplicate path {path}")
        self.files[path] = text
        self.lines += text.count("\n")

    def violate(self, rule: str, path: str, rate: float = VIOLATION_RATE) -> bool:
        """Decide (seeded) whether `path` gets a violation of `rule`; record it if so."""
        if self.rng.random() >= rate:
            return False
        self.planted.append({"rule": rule, "file": path})
        return True

    def plant(self, rule: str, path: str) -> None:
        """Record a violation that a corpus-wide variant put in `path`."""
        self.planted.append({"rule": rule, "file": path})

    def write(self, out: Path) -> None:
        """Write every file under `out`, in sorted order, with LF line endings."""
        for rel in sorted(self.files):
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.files[rel], encoding="utf-8", newline="\n")

    def manifest(self) -> str:
        """The planted violations as stable JSON, sorted by file then rule."""
        rows = sorted(self.planted, key=lambda r: (r["file"], r["rule"]))
        return json.dumps({"lines": self.lines, "files": len(self.files), "planted": rows}, indent=2)
