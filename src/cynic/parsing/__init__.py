"""One parser per kind of file; each file is parsed once and its tree shared by every rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cynic.source import FileKind, SourceFile


class ParseError(Exception):
    """The file could not be parsed; the audit lists it as skipped and says so.

    `recovered` is a partial tree the parser rebuilt around the error (tree-sitter does);
    when set, rules still read it, and the file is listed as skipped all the same.
    """

    def __init__(self, line: int, message: str, recovered: Any = None) -> None:
        super().__init__(message)
        self.line = line
        self.recovered = recovered


def _parse_python(source: SourceFile) -> Any:
    from cynic.parsing.python import PythonSyntaxError, parse_python

    try:
        return parse_python(source.text, source.path).tree
    except PythonSyntaxError as error:
        raise ParseError(error.line, str(error)) from None
    except (ValueError, RecursionError) as error:  # NUL bytes, absurd nesting
        raise ParseError(1, f"cannot be parsed as Python: {error}") from None


def _parse_script(source: SourceFile) -> Any:
    from cynic.parsing.tsjs import parse_script

    tree = parse_script(source.text, source.suffix)
    if tree.error_line is not None:
        raise ParseError(
            tree.error_line,
            f"syntax error at line {tree.error_line}; audited from the recovered tree, "
            "so findings near that line may be missing",
            recovered=tree,
        )
    return tree


def _parse_dockerfile(source: SourceFile) -> Any:
    from cynic.parsing.dockerfile import DockerfileSyntaxError, parse_dockerfile

    try:
        return parse_dockerfile(source.text)
    except DockerfileSyntaxError as error:
        raise ParseError(error.line, str(error)) from None


PARSERS: dict[FileKind, Callable[[SourceFile], Any]] = {
    FileKind.PYTHON: _parse_python,
    FileKind.SCRIPT: _parse_script,
    FileKind.DOCKERFILE: _parse_dockerfile,
}
