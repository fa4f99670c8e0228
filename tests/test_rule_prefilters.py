"""A rule's text prefilter must answer as the case-insensitive regex it replaces, or the rule misses."""

from __future__ import annotations

import re

import pytest

from cynic.rules.python._mentions import Mentions

WORDS = ("settings", "config", "cfg", r"conf\b")
TEXTS = [
    "from app.core.config import settings",
    "APP_SETTINGS = load()",
    "Conf = 1",
    "confirm(order)",
    "Protokoll für den Betrieb: CFG",
    "ſettings = load()",  # long s: a case-insensitive regex reads it as `s`
    "ACCESS_TO\u212aEN; conf",  # Kelvin sign before a plain match
    "KONFİG ve \u0130MPORT: con\u017f",
    "İsettings",  # dotted capital I, which `str.lower` turns into two characters
    "print(CONF)",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_mentions_answers_as_the_case_insensitive_regex(text: str) -> None:
    expected = re.search("|".join(WORDS), text, re.IGNORECASE) is not None

    assert Mentions(*WORDS).found_in(text) is expected


def test_words_must_be_lowercase_ascii() -> None:
    with pytest.raises(ValueError, match="lowercase"):
        Mentions("Token")
