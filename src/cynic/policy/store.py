"""`.cynic/baseline.json` and `.cynic/waivers.json`: sorted, indented JSON that diffs line by line.

People edit these files, so reading one validates it (with pydantic, imported only when the file
exists) and a mistake is named in the error: "Field required", "Input should be a valid date".
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from cynic.fingerprints import normalise
from cynic.models import BaselineEntry, Finding, Waiver, to_json

BASELINE_FILE = Path(".cynic/baseline.json")
WAIVERS_FILE = Path(".cynic/waivers.json")
FORMAT_VERSION = 1

Entry = TypeVar("Entry", bound=BaselineEntry)


class PolicyError(Exception):
    """A baseline or waivers file is unreadable or invalid; the message says how to fix it."""


def baseline_entry(finding: Finding) -> BaselineEntry:
    return BaselineEntry(
        fingerprint=finding.fingerprint, rule=finding.rule, path=finding.path, evidence=normalise(finding.evidence)
    )


def load_baseline(root: Path) -> list[BaselineEntry]:
    """The baseline under `root`, or an empty one when there is none."""
    return _load(root / BASELINE_FILE, "findings", BaselineEntry, "cynic baseline")


def save_baseline(root: Path, findings: Iterable[Finding]) -> Path:
    """Write every finding to the baseline (replacing it) and return the file written."""
    return _save(root / BASELINE_FILE, "findings", [baseline_entry(f) for f in findings])


def load_waivers(root: Path) -> list[Waiver]:
    """The waivers under `root`, or none when there is no waivers file."""
    return _load(root / WAIVERS_FILE, "waivers", Waiver, "cynic waive")


def add_waiver(root: Path, waiver: Waiver) -> Path:
    """Add `waiver`, replacing any earlier waiver of the same fingerprint; return the file written."""
    kept = [w for w in load_waivers(root) if w.fingerprint != waiver.fingerprint]
    return _save(root / WAIVERS_FILE, "waivers", [*kept, waiver])


def _load(path: Path, key: str, model: type[Entry], command: str) -> list[Entry]:
    if not path.is_file():
        return []
    from pydantic import TypeAdapter, ValidationError

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entry = TypeAdapter(model)
        return [entry.validate_python(item) for item in data[key]]
    except (OSError, ValueError, KeyError, TypeError, ValidationError) as error:
        detail = error.errors()[0]["msg"] if isinstance(error, ValidationError) else str(error)
        raise PolicyError(
            f"cannot read {path}: {detail}. Fix the file (it is JSON with a {key!r} list) "
            f"or delete it and run `{command}` again."
        ) from None


def _save(path: Path, key: str, entries: list[Entry]) -> Path:
    ordered = sorted(entries, key=lambda e: (e.path, e.rule, e.evidence, e.fingerprint))
    document = {"version": FORMAT_VERSION, key: [to_json(e) for e in ordered]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"cannot write {path}: {error.strerror or error}. Make the folder writable.") from None
    return path
