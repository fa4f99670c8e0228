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

from functools import lru_cache

FOLDED_TO_ASCII = "\u0130\u0131\u017f\u212a"


def lowers_exactly(text: str) -> bool:
    """Whether searching `text.lower()` case-sensitively answers as `re.IGNORECASE` on `text`."""
    return text.isascii() or not any(character in text for character in FOLDED_TO_ASCII)


@lru_cache(maxsize=1)
def lowered(text: str) -> str:
    """`text.lower()`, kept until another text is lowered: the rules that prefilter a file on its
    lowered text run one after the other on the same text, and lower it once."""
    return text.lower()


_NOT_ASCII_LETTERS = bytes(byte for byte in range(256) if not (0x41 <= byte <= 0x5A or 0x61 <= byte <= 0x7A))
_ASCII_LOWERED = bytes(range(256)).lower()  # a `bytes.translate` table: ASCII capitals to small letters


def ascii_letters(text: str) -> str:
    """The text's ASCII letters alone, lowered: a word of letters is in it if the text holds the
    word split by anything but letters (`pass_word`, `Pass-Word`). A `str`, not `bytes`, for the
    searches that follow: `bytes in bytes` first tries the word as an integer and pays for the
    TypeError it raises, several times the search itself."""
    return text.encode("ascii", "ignore").translate(_ASCII_LOWERED, _NOT_ASCII_LETTERS).decode("ascii")


@lru_cache(maxsize=1)
def text_letters(text: str) -> str:
    """`ascii_letters(text)` of a file's whole text, kept until another text's: SEC001 and INJ001
    read it one after the other. For a text that lowers exactly it is also the letters of
    `text.lower()`: only the two characters `str.lower` turns into ASCII differ, and those texts
    do not lower exactly."""
    return ascii_letters(text)
