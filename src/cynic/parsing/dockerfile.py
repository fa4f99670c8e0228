"""A small Dockerfile reader: instructions with their lines, grouped into build stages.

It follows the BuildKit frontend's rules that matter for an audit: parser directives
(`# escape=`), line continuations, comment lines (also inside a continuation), heredocs
(`RUN <<EOF ... EOF`, `<<-EOF`, quoted words), `FROM [--platform=...] image [AS name]`, exec and
shell forms, and `ARG`/`ENV` values for `$VAR`, `${VAR}` and `${VAR:-default}` expansion.
(dockerfile-parse, the PyPI library, gives lines but does not read heredocs.)
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from typing import NamedTuple

from cynic.lazy_pattern import lazy_compile

_DIRECTIVE = lazy_compile(r"^#\s*(\w+)\s*=\s*(\S+)\s*$")
_HEREDOC = lazy_compile(r"<<(-?)\s*([\"']?)([A-Za-z_][\w.-]*)\2")
_VARIABLE = lazy_compile(r"\$(?:\{(\w+)(?::?[-+]([^}]*))?\}|(\w+))")


class DockerfileSyntaxError(Exception):
    """The Dockerfile cannot be read (an unterminated heredoc...)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


class Instruction(NamedTuple):
    """One instruction: upper-case keyword, its arguments as written (continuations joined)."""

    keyword: str
    value: str
    line: int
    end_line: int
    heredocs: tuple[str, ...] = ()

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD/ENTRYPOINT/RUN, or None for the shell form."""
        if not self.value.startswith("["):
            return None
        try:
            parsed = json.loads(self.value)
        except json.JSONDecodeError:
            return None
        return [str(item) for item in parsed] if isinstance(parsed, list) else None


class Stage(NamedTuple):
    """A build stage: `FROM base [AS name]` and the instructions up to the next FROM."""

    base: str
    name: str | None
    line: int
    instructions: list[Instruction]


class Dockerfile(NamedTuple):
    """Every instruction in order, the global ARGs before the first FROM, and the stages."""

    instructions: list[Instruction]
    global_args: dict[str, str]
    stages: list[Stage]

    def stage_named(self, name: str) -> Stage | None:
        lowered = name.lower()
        return next((s for s in self.stages if s.name is not None and s.name.lower() == lowered), None)


def parse_dockerfile(text: str) -> Dockerfile:
    """Read a Dockerfile's instructions and stages."""
    instructions = list(_instructions(text.splitlines()))
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            base, name = _from_parts(instruction.value, global_args)
            stages.append(Stage(base=base, name=name, line=instruction.line, instructions=[]))
        elif stages:
            stages[-1].instructions.append(instruction)
        elif instruction.keyword == "ARG":
            global_args.update(assignments(instruction))
    return Dockerfile(instructions=instructions, global_args=global_args, stages=stages)


def assignments(instruction: Instruction) -> dict[str, str]:
    """`ARG A=1 B` / `ENV A=1 B=2` / legacy `ENV A 1` as a name -> value map ("" when unset)."""
    try:
        words = shlex.split(instruction.value)
    except ValueError:
        words = instruction.value.split()
    if instruction.keyword == "ENV" and words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict((word.split("=", 1) + [""])[:2] for word in words if not word.startswith("--"))


def expand(value: str, variables: dict[str, str]) -> str:
    """Substitute `$VAR`, `${VAR}` and `${VAR:-default}` as the builder does."""

    def substitute(match: re.Match[str]) -> str:
        name = match[1] or match[3]
        known = variables.get(name, "")
        return known if known or match[2] is None else match[2]

    return _VARIABLE.sub(substitute, value)


def _from_parts(value: str, global_args: dict[str, str]) -> tuple[str, str | None]:
    words = [w for w in value.split() if not w.startswith("--")]
    base = expand(words[0], global_args) if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    return base, name


def _instructions(lines: list[str]) -> Iterator[Instruction]:
    """Logical instructions: continuations joined, comments dropped, heredoc bodies attached."""
    escape = "\\"
    number = 0
    while number < len(lines) and (directive := _DIRECTIVE.match(lines[number].strip())):
        if directive[1].lower() == "escape" and directive[2] in ("\\", "`"):
            escape = directive[2]
        number += 1
    while number < len(lines):
        start = number
        stripped = lines[number].strip()
        number += 1
        if not stripped or stripped.startswith("#"):
            continue
        continued = stripped.endswith(escape)
        parts = [stripped[: -len(escape)].rstrip() if continued else stripped]
        while continued and number < len(lines):
            following = lines[number].strip()
            number += 1
            if not following or following.startswith("#"):
                continue  # comment and empty lines inside a continuation are dropped
            continued = following.endswith(escape)
            parts.append(following[: -len(escape)].rstrip() if continued else following)
        logical = " ".join(part for part in parts if part)
        keyword, _, value = logical.partition(" ")
        heredocs = []
        for strip_tabs, _quote, word in _HEREDOC.findall(value):
            body_start = number
            while number < len(lines) and (lines[number].lstrip("\t") if strip_tabs else lines[number]) != word:
                number += 1
            if number >= len(lines):
                raise DockerfileSyntaxError(start + 1, f"heredoc <<{word} opened on line {start + 1} is never closed by a line `{word}`")
            heredocs.append("\n".join(lines[body_start:number]))
            number += 1
        yield Instruction(keyword.upper(), value.strip(), start + 1, number, tuple(heredocs))
