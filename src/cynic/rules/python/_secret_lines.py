"""Line readers for secrets in files cynic does not parse as Python: `.env`, compose, TS/JS, Dockerfiles.

Each yields (line, message). Placeholders (`changethis`, `<password>`) in these configuration
files are not real-looking secrets and are not reported; `.env.example`-style files are checked
for known credential shapes only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.rules.python._secret_patterns import (
    is_named_secret,
    is_placeholder,
    secret_shape,
)

_DOTENV = lazy_compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$")
_COMPOSE_ENTRY = lazy_compile(r"""^\s*(?:-\s*)?["']?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:\s)\s*(.*?)["']?\s*$""")
_QUOTED_VALUE = lazy_compile(r"""[:=]\s*["'`]""")  # in every _SCRIPT_LITERAL match, a cheap search
# A name is tried from its first letter only, and never gives a character back (`*+`): what may
# follow it (a quote, a space, `:` or `=`) is no name character, so a shorter name or one that
# starts later in the same run cannot be followed by a value where the whole one is not; `re`
# would try them all, which costs most of the search.
_SCRIPT_LITERAL = lazy_compile(r"""(?<![A-Za-z_$])([A-Za-z_$][\w$]*+)["']?\s*(?::\s*[\w.<>\[\]| ]+\s*)?[:=]\s*(["'`])((?:(?!\2).)*)\2""")
_DOCKER_VARIABLES = lazy_compile(r"^\s*(?:ENV|ARG)\s+(.+)$", re.I)
_DOCKER_ASSIGNMENT = lazy_compile(r"""([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)""")
# `is_named_secret` needs one of these in the name, or a URL in the value: lines without any
# are not scanned for `name = "value"` pairs.
_NAMED_SECRET_WORDS = ("secret", "pass", "pwd", "token", "credential", "key", "://")
_EXAMPLE_FILE = lazy_compile(r"\.(?:example|sample|template|tpl|dist|defaults?)(?:\.|$)", re.I)

Found = tuple[int, str]


def dotenv_secrets(name: str, lines: list[str]) -> Iterator[Found]:
    """Secret-named keys with real-looking values, and known key shapes, in a committed `.env`."""
    example = bool(_EXAMPLE_FILE.search(name))
    for number, text in enumerate(lines, start=1):
        match = _DOTENV.match(text)
        if not match or text.lstrip().startswith("#"):
            continue
        key, value = match.group(1), _unquote(match.group(2))
        if secret_shape(value) and not (example and "example" in value.lower()):
            yield number, f"`{key}` holds a credential in a committed env file."
        elif not example and is_named_secret(key, value) and not is_placeholder(value):
            yield number, f"`{key}` holds a real-looking secret in a committed env file."


def compose_secrets(lines: list[str]) -> Iterator[Found]:
    """Literal secret values under `environment:` in a compose file, and key shapes anywhere."""
    block_indent: int | None = None
    for number, text in enumerate(lines, start=1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(text) - len(text.lstrip())
        if block_indent is not None and indent <= block_indent:
            block_indent = None
        if re.match(r"environment:\s*$", stripped):
            block_indent = indent
            continue
        if secret_shape(text):
            yield number, "A credential is written into the compose file."
            continue
        match = _COMPOSE_ENTRY.match(text) if block_indent is not None else None
        if match:
            key, value = match.group(1), _unquote(match.group(2))
            if "${" not in value and is_named_secret(key, value) and not is_placeholder(value):
                yield number, f"`{key}` is given a literal secret in the compose file."


def dockerfile_secrets(lines: list[str]) -> Iterator[Found]:
    """`ENV JWT_SECRET=...` / `ARG NPM_TOKEN=...` defaults baked into the image, and key shapes anywhere."""
    for number, text in enumerate(lines, start=1):
        if text.lstrip().startswith("#"):
            continue
        if secret_shape(text):
            yield number, "A credential is written into the Dockerfile."
            continue
        match = _DOCKER_VARIABLES.match(text)
        if not match:
            continue
        pairs = _DOCKER_ASSIGNMENT.findall(match.group(1))
        if not pairs and len(match.group(1).split(None, 1)) == 2:  # legacy `ENV NAME value`
            pairs = [tuple(match.group(1).split(None, 1))]
        for key, raw in pairs:
            value = _unquote(raw.strip())
            if "$" not in value and is_named_secret(key, value) and not is_placeholder(value):
                yield number, f"`{key}` is given a secret value in the Dockerfile; it stays in the image's layers."
                break


def script_secrets(lines: list[str]) -> Iterator[Found]:
    """`const API_KEY = "sk-..."`, `password: "hunter2"` and key shapes in TS/JS (or unparsed Python)."""
    text = "\n".join(lines)
    # A shape found on a line is found in the whole text too: one search rules most files out.
    # Without one, only the lines holding a secret word are read (`str.lower` goes character by
    # character: a word of a lowered line is in the lowered text, on that line).
    any_shape = secret_shape(text)
    for index in range(len(lines)) if any_shape else _lines_holding(text.lower(), _NAMED_SECRET_WORDS):
        number, line = index + 1, lines[index]
        if len(line) > 2000:
            continue
        if any_shape and secret_shape(line):
            yield number, "A credential is written into the source."
            continue
        lowered = line.lower()
        if not any(word in lowered for word in _NAMED_SECRET_WORDS) or not _QUOTED_VALUE.search(line):
            continue
        for match in _SCRIPT_LITERAL.finditer(line):
            key, value = match.group(1), match.group(3)
            if "${" not in value and is_named_secret(key, value):
                yield number, f"`{key}` is assigned a hard-coded secret."
                break


def _lines_holding(text: str, words: tuple[str, ...]) -> list[int]:
    """The indexes, in order, of the lines of `text` (split at line feeds) that hold one of `words`."""
    starts = []
    for word in words:
        start = text.find(word)
        while start != -1:
            starts.append(start)
            start = text.find(word, start + 1)
    starts.sort()
    indexes: list[int] = []
    line, counted = 0, 0
    for start in starts:
        line += text.count("\n", counted, start)
        counted = start
        if not indexes or indexes[-1] != line:
            indexes.append(line)
    return indexes


def _unquote(value: str) -> str:
    if value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) > 1:
        return value[1:-1]
    return re.split(r"\s+#", value, maxsplit=1)[0]
