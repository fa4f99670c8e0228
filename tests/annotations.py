"""Read semgrep-style expectations from fixture files.

`# ruleid: CODE` (or `// ruleid:`, `{/* ruleid: */}`, `<!-- ruleid: -->`) above a line: the
rule must report that line. `# ok: CODE` above a line: it must not. `todoruleid` / `todook`
mark a known miss or a known false positive; those lines are left out of the comparison.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ANNOTATION = re.compile(
    r"(?:#|//|/\*|\{/\*|<!--)\s*(?P<kind>todoruleid|todook|ruleid|ok):\s*(?P<codes>[A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)"
)


@dataclass
class Expectations:
    expected: set[tuple[str, str, int]] = field(default_factory=set)  # (rule, path, line)
    ignored: set[tuple[str, str, int]] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)


def read_expectations(root: Path) -> Expectations:
    """Every annotation under `root`, keyed by (rule, relative path, annotated line)."""
    found = Expectations()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = file.relative_to(root).as_posix()
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
        pending: list[tuple[str, str]] = []
        for number, text in enumerate(lines, start=1):
            match = ANNOTATION.search(text)
            if match and text.strip().startswith(("#", "//", "/*", "{/*", "<!--")):
                pending.extend((match["kind"], code.strip()) for code in match["codes"].split(","))
                continue
            for kind, code in pending:
                found.rules.add(code)
                if kind == "ruleid":
                    found.expected.add((code, rel, number))
                elif kind.startswith("todo"):
                    found.ignored.add((code, rel, number))
            pending = []
    return found
