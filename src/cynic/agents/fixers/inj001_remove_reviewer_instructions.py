"""INJ001: a comment that addresses AI reviewers is deleted when it stands on lines of its own.

Comments are found by the file's own grammar: Python `#` comments by `tokenize` (a `#` inside a
string is not one), TS/JS `//` and `/* */` comments and JSX `{/* */}` by tree-sitter, and
`<!-- -->` in Markdown and HTML. A one-line comment loses its line. In a comment of several
lines, an inner line is dropped (and the whole comment, when nothing else is left in it); the
whole comment goes when the text opens or closes it. Where two blank lines meet after the
deletion, one goes too. Text in a string literal, a comment trailing code and prose are left to
a person: deleting them would change what the program or the document says.
"""

from __future__ import annotations

import io
import re
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import PurePosixPath

from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.source import FileKind, kind_of

MARKUP_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm"})
_MARKUP_COMMENT = re.compile(r"<!--.*?-->", re.S)
_DELIMITERS = re.compile(r"<!--|-->|/\*+|\*+/|^\s*\*|^\s*//|^\s*#|[{}]", re.M)


@dataclass(frozen=True)
class Comment:
    """A comment's character offsets in the file's text: [start, end)."""

    start: int
    end: int


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    text = files.read(finding.path)
    lines = text.splitlines(keepends=True)
    starts = _line_starts(lines)
    comment = next((c for c in _comments(finding.path, text) if _line_of(starts, c.start) <= line <= _line_of(starts, c.end - 1)), None)
    if comment is None:
        raise Unfixable(f"the text at {finding.path}:{line} is not in a comment (a string literal or prose): "
                        "delete or reword it by hand")
    first, last = _line_of(starts, comment.start), _line_of(starts, comment.end - 1)
    before, after = text[starts[first - 1] : comment.start], text[comment.end : starts[last - 1] + len(lines[last - 1])]
    if before.strip() or after.strip():
        raise Unfixable(f"the comment at {finding.path}:{line} shares its line with code: delete it by hand")
    drop = set(range(first, last + 1))
    if first < line < last:
        rest = "".join(lines[first - 1 : line - 1] + lines[line : last])
        if _DELIMITERS.sub("", rest).strip():
            drop = {line}
    kept = [text for number, text in enumerate(lines, start=1) if number not in drop]
    files.write(finding.path, "".join(_one_blank_line(kept, min(drop) - 1)))


def _comments(path: str, text: str) -> list[Comment]:
    """Every comment of the file, by its grammar; Unfixable for a kind of file cynic does not edit here."""
    kind = kind_of(path)
    if kind == FileKind.PYTHON:
        return _python_comments(path, text)
    if kind == FileKind.SCRIPT:
        return _script_comments(path, text)
    if PurePosixPath(path).suffix.lower() in MARKUP_SUFFIXES:
        return [Comment(m.start(), m.end()) for m in _MARKUP_COMMENT.finditer(text)]
    raise Unfixable(f"cynic deletes such comments in Python, TS/JS, Markdown and HTML only: delete the text in {path} by hand")


def _python_comments(path: str, text: str) -> list[Comment]:
    starts = _line_starts(text.splitlines(keepends=True))
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise Unfixable(f"{path} does not tokenize ({error}): delete the comment by hand") from None
    return [Comment(starts[t.start[0] - 1] + t.start[1], starts[t.end[0] - 1] + t.end[1])
            for t in tokens if t.type == tokenize.COMMENT]


def _script_comments(path: str, text: str) -> list[Comment]:
    """`//` and `/* */` comments; a JSX `{/* */}` holding only a comment counts with its braces."""
    from cynic.agents.fixers._tsjs import parse_script

    source = text.encode()
    found = []
    stack = [parse_script(path, source).root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "comment":
            continue
        parent = node.parent
        if parent is not None and parent.type == "jsx_expression" and parent.named_children == [node]:
            node = parent
        found.append(Comment(len(source[: node.start_byte].decode()), len(source[: node.end_byte].decode())))
    return found


def _line_starts(lines: list[str]) -> list[int]:
    """The offset of each line's first character (and one past the end)."""
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _line_of(starts: list[int], offset: int) -> int:
    """The 1-based line holding the character at `offset`."""
    return bisect_right(starts, offset)


def _one_blank_line(lines: list[str], seam: int) -> list[str]:
    """`lines` without the second of two blank lines meeting at index `seam` (or a blank first line)."""
    if seam < len(lines) and not lines[seam].strip() and (seam == 0 or not lines[seam - 1].strip()):
        return lines[:seam] + lines[seam + 1 :]
    return lines
