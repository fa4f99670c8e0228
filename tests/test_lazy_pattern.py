"""`lazy_compile` answers as `re.compile` does, and compiles nothing until a pattern is used."""

from __future__ import annotations

import re

import pytest

from cynic.lazy_pattern import LazyPattern, lazy_compile


def test_a_lazy_pattern_answers_as_the_compiled_one() -> None:
    lazy, eager = lazy_compile(r"(?P<word>tok\w+)", re.I), re.compile(r"(?P<word>tok\w+)", re.I)
    text = "TOKEN token_2 nothing"

    assert [m.group("word") for m in lazy.finditer(text)] == [m.group("word") for m in eager.finditer(text)]
    assert lazy.search("a Token")[0] == "Token"  # type: ignore[index]
    assert lazy.sub("x", text) == eager.sub("x", text)
    assert (lazy.pattern, lazy.flags, lazy.groupindex) == (eager.pattern, eager.flags, eager.groupindex)


def test_nothing_is_compiled_before_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled: list[str] = []
    real_compile = re.compile
    monkeypatch.setattr(re, "compile", lambda pattern, flags=0: compiled.append(pattern) or real_compile(pattern, flags))

    pattern = LazyPattern(r"\bsecret\b")
    assert compiled == []

    assert pattern.search("my secret") is not None
    assert pattern.search("no") is None
    assert compiled == [r"\bsecret\b"]  # once, however often it is used


def test_a_bad_pattern_fails_when_first_used() -> None:
    pattern = lazy_compile(r"(unclosed")

    with pytest.raises(re.error):
        pattern.search("text")
