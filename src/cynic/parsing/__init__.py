"""One parser per kind of file; each file is parsed once and its tree shared by every rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cynic.source import FileKind, SourceFile


class ParseError(Exception):
    """The file could not be parsed; the audit lists it as skipped and says so."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _parse_python(source: SourceFile) -> Any:
    from cynic.parsing.python import PythonSyntaxError, parse_python

    try:
        return parse_python(source.text, source.path).tree
    except PythonSyntaxError as error:
        raise ParseError(error.line, str(error)) from None
    except (ValueError, RecursionError) as error:  # NUL bytes, absurd nesting
        raise ParseError(1, f"cannot be parsed as Python: {error}") from None


PARSERS: dict[FileKind, Callable[[SourceFile], Any]] = {
    FileKind.PYTHON: _parse_python,
}
