"""Report templates compiled once per machine, not once per run.

jinja2 compiles a template to Python on first use; for the checklist that is most of the cost
of printing it. Its bytecode cache keys every entry by the template's name and checks it
against the source's checksum and jinja2's and Python's versions, so an edited template or an
upgrade is compiled afresh. Each environment gets its own folder: the compiled code depends on
the environment's options (autoescape, whitespace control), which the key does not cover.
"""

from __future__ import annotations

import os
from pathlib import Path

import jinja2


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """A cache that never stops a report: an entry that cannot be written is compiled next time."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache(environment_name: str) -> jinja2.BytecodeCache | None:
    """The bytecode cache for one jinja2 environment, or None where no cache folder can be made."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = home / "cynic" / "templates" / environment_name
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietBytecodeCache(str(folder))
