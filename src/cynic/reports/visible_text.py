"""Text from audited code, made honest for a reader: bidirectional overrides, zero-width
characters and terminal control codes are shown as `⟨U+202E⟩` instead of acting on the display,
so a Trojan Source line cannot look like something else in a report."""

from __future__ import annotations

import re

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0/C1 control codes (ANSI escapes start with \x1b)
    "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"  # bidi marks, overrides, isolates; zero-width
)


def reveal(text: str) -> str:
    """`text` with every invisible or reordering character replaced by its visible code point."""
    return _INVISIBLE.sub(lambda match: f"⟨U+{ord(match.group()):04X}⟩", text)
