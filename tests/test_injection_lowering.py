"""Rules search lowered text (INJ001, the `Mentions` prefilters), which finds what case-insensitive
matching finds, on any text but one holding the four characters `re.IGNORECASE` equates with ASCII
letters."""

from __future__ import annotations

import re
import sys

from cynic.rules._lowering import FOLDED_TO_ASCII


def test_lowering_keeps_every_other_character_as_case_insensitive_matching_sees_it() -> None:
    others = "".join(
        chr(code) for code in range(0x80, sys.maxunicode + 1) if not 0xD800 <= code < 0xE000 and chr(code) not in FOLDED_TO_ASCII
    )
    lowered = others.lower()

    assert len(lowered) == len(others)  # one character for one: offsets, hence line numbers, stay
    assert re.search(r"[\x00-\x7f]", lowered) is None  # no ASCII letter matches it once lowered...
    assert re.search(r"[\x00-\x7f]", others, re.I) is None  # ...nor case-insensitively before
    for kind in (r"\w", r"\s", r"\n"):  # and it is of the same kind for \b, \w, \s, ^ and $
        assert [m.start() for m in re.finditer(kind, lowered)] == [m.start() for m in re.finditer(kind, others)]


def test_the_four_are_all_that_case_insensitive_matching_equates_with_ascii() -> None:
    non_ascii = "".join(chr(code) for code in range(0x80, sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)

    assert sorted({m.group() for m in re.finditer(r"[\x00-\x7f]", non_ascii, re.I)}) == sorted(FOLDED_TO_ASCII)
