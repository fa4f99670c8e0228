"""When a case-insensitive search may run on lowered text instead: `re.IGNORECASE` has no fast
literal scan, while `in` and a case-sensitive pattern on `text.lower()` do.

`re.IGNORECASE` equates four characters outside ASCII with ASCII letters (İ and ı with i, ſ with
s, the Kelvin sign with k); `str.lower` turns İ and the Kelvin sign into ASCII and İ into two
characters. Every other character lowers to one character that no ASCII letter matches either
way, and that is a word character, a space or a line break exactly when it was. So on a text
without the four, a lowercase pattern finds in the lowered text exactly the spans the
case-insensitive one finds in the text.
"""

from __future__ import annotations

FOLDED_TO_ASCII = "\u0130\u0131\u017f\u212a"


def lowers_exactly(text: str) -> bool:
    """Whether searching `text.lower()` case-sensitively answers as `re.IGNORECASE` on `text`."""
    return text.isascii() or not any(character in text for character in FOLDED_TO_ASCII)
