"""Parse Python once, whatever version of Python wrote it.

The standard `ast` module parses what the running interpreter's grammar accepts. Real projects
already use newer syntax (PEP 758 `except A, B:`, PEP 695 type parameters, PEP 701 f-strings,
PEP 750 t-strings). For those files libcst's grammar, which is newer, parses the source and a
codemod rewrites each newer construct into an older equivalent *on the same lines*, so that
`ast` can parse the result and every line number still points at the original code.
"""

from __future__ import annotations

import ast
from typing import NamedTuple

from cynic.lazy_pattern import lazy_compile

_UNPARENTHESIZED = "multiple exception types must be parenthesized"
_HANDLER = lazy_compile(r"\s*except\*?\s+(?P<types>[^:#()]+?)\s*:")


class PythonSyntaxError(Exception):
    """The file is not valid Python under any grammar cynic knows."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"syntax error at line {line}: {message}")
        self.line = line


class ParsedPython(NamedTuple):
    tree: ast.Module
    downleveled: bool  # True when the file needed the newer grammar


def parse_python(text: str, filename: str = "<unknown>") -> ParsedPython:
    """Parse with `ast`, falling back to libcst's newer grammar for newer syntax."""
    try:
        return ParsedPython(ast.parse(text, filename), downleveled=False)
    except SyntaxError as native_error:
        quick = _parenthesize_handlers(text, filename, native_error)
        if quick is not None:
            return ParsedPython(_rewritten(quick), downleveled=True)
        older = _downlevel(text)
        if older is None:
            raise PythonSyntaxError(native_error.lineno or 1, native_error.msg) from None
        try:
            return ParsedPython(_rewritten(ast.parse(older, filename)), downleveled=True)
        except SyntaxError:
            raise PythonSyntaxError(native_error.lineno or 1, native_error.msg) from None


def _rewritten(tree: ast.Module) -> ast.Module:
    """Marks a tree parsed from a rewritten text (`is_rewritten`)."""
    tree._cynic_rewritten = True  # type: ignore[attr-defined]
    return tree


def is_rewritten(tree: ast.Module) -> bool:
    """True for a tree parsed from a rewritten text, whose columns may not be those of the file."""
    return "_cynic_rewritten" in tree.__dict__


def _parenthesize_handlers(text: str, filename: str, error: SyntaxError) -> ast.Module | None:
    """The tree of a file whose only newer syntax is PEP 758 `except A, B:`, without libcst.

    That is the commonest newer construct, and libcst costs ~50 times `ast` per line: each such
    handler gets the parentheses libcst's rewrite would add, on its own line, until `ast` accepts
    the file. Any other error leaves the file to libcst (None).
    """
    lines = text.splitlines(keepends=True)
    for _ in range(len(lines)):
        if error.msg != _UNPARENTHESIZED or not error.lineno or error.lineno > len(lines):
            return None
        handler = _HANDLER.match(lines[error.lineno - 1])
        if handler is None:
            return None
        start, end = handler.span("types")
        line = lines[error.lineno - 1]
        lines[error.lineno - 1] = f"{line[:start]}({line[start:end]}){line[end:]}"
        try:
            return ast.parse("".join(lines), filename)
        except SyntaxError as next_error:
            error = next_error
    return None


def _downlevel(text: str) -> str | None:
    """The source with newer constructs rewritten line-for-line, or None if libcst rejects it."""
    import libcst as cst  # imported only for the rare file that needs it

    from cynic.parsing._downlevel import Downlevel

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError:
        return None
    return module.visit(Downlevel()).code
