"""Regular expressions compiled when first used instead of when their module is imported.

`re` compiles a pattern in Python. The rules and fact extractors hold about a hundred patterns,
and a warm audit that re-reads one edited file used to spend more time compiling them all than
analysing the file: a Python file never meets a Dockerfile's or a script's patterns, and most
patterns sit behind cheaper checks that a given file fails.

`lazy_compile(pattern, flags)` stands for `re.compile(pattern, flags)`. The first time any of its
attributes is read (`search`, `finditer`, `pattern`...) the pattern is compiled, and that
attribute is then kept on the object, so that later calls cost what the compiled pattern's own
do. Pass it where a compiled pattern's methods are called, not to `re.search(...)` and the like,
which want a `re.Pattern` or a string.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, cast


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """`re.compile(pattern, flags)`, done on first use."""
    return cast("re.Pattern[str]", LazyPattern(pattern, flags))


class LazyPattern:
    """A compiled pattern's stand-in until it is first used (see the module's docstring)."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(*self._source)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.compiled, name)
        setattr(self, name, value)  # found on the instance from now on, without this call
        return value

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]!r})"
