"""A rule's text prefilter in any letter case, before any tree work: does the file mention a word?"""

from __future__ import annotations

import re

from cynic.lazy_pattern import lazy_compile
from cynic.rules._lowering import lowered, lowers_exactly



class Mentions:
    """Whether a file's text contains one of some words, in any letter case.

    The answer of `re.search("|".join(words), text, re.IGNORECASE)`, several times faster: a
    case-insensitive regex has no fast literal scan, so the text is lowered once and searched word
    by word, a plain word as a substring. A text holding one of the few characters whose case
    folding `str.lower` does not reproduce goes to that regex.
    """

    def __init__(self, *words: str) -> None:
        """`words`: regular expressions in lowercase ASCII, most of them plain words (`token`)."""
        if any(not word.isascii() or word != word.lower() for word in words):
            raise ValueError(f"write the words in lowercase ASCII: {words}")
        self._any_case = lazy_compile("|".join(words), re.IGNORECASE)
        self._lowercase = tuple(word if re.escape(word) == word else lazy_compile(word) for word in words)

    def found_in(self, text: str) -> bool:
        if not lowers_exactly(text):
            return self._any_case.search(text) is not None
        lowercase = lowered(text)
        return any(word in lowercase if isinstance(word, str) else word.search(lowercase) for word in self._lowercase)
