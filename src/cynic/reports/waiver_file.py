"""Waivers read from a JSON file: a list of {owner, reason, expires, fingerprint | rule + path},
or an object holding that list under "waivers"."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from cynic.reports.run_view import Waiver

DEFAULT_WAIVERS = Path(".cynic") / "waivers.json"


class WaiverFileError(Exception):
    """The waiver file cannot be read or is not a list of waivers."""


def load_waivers(path: Path) -> list[Waiver]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise WaiverFileError(f"cannot read the waivers {path}: {error.strerror or error}.") from None
    except json.JSONDecodeError as error:
        raise WaiverFileError(f"the waivers {path} are not valid JSON (line {error.lineno}): {error.msg}.") from None
    if isinstance(data, dict):
        data = data.get("waivers", [])
    try:
        return TypeAdapter(list[Waiver]).validate_python(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise WaiverFileError(f"the waivers {path} are invalid at {where}: {first['msg']}.") from None
