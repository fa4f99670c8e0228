"""Dockerfile helpers: instructions as logical lines (continuations joined), stages, base images."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper-cased: FROM, RUN, USER, CMD...
    arguments: str  # the rest of the logical line, continuations joined
    first: int  # 0-based index of its first physical line
    last: int  # 0-based index of its last physical line


_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)\s*(.*)$")


def instructions(lines: list[str]) -> list[Instruction]:
    """The Dockerfile's instructions, comments and blank lines left out."""
    found: list[Instruction] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip() or line.lstrip().startswith("#"):
            index += 1
            continue
        first, parts = index, [line.rstrip()]
        while parts[-1].endswith("\\") and index + 1 < len(lines):
            index += 1
            parts.append(lines[index].rstrip())
        match = _INSTRUCTION.match(" ".join(p.rstrip("\\").strip() for p in parts))
        if match:
            found.append(Instruction(match[1].upper(), match[2].strip(), first, index))
        index += 1
    return found


def final_stage(found: list[Instruction]) -> list[Instruction]:
    """The instructions of the last stage, its FROM first."""
    starts = [i for i, instruction in enumerate(found) if instruction.keyword == "FROM"]
    return found[starts[-1]:] if starts else found


def base_image(stage: list[Instruction], every: list[Instruction]) -> str:
    """The image a stage builds on, following `FROM <earlier stage>` back to a real image."""
    aliases: dict[str, str] = {}
    for instruction in every:
        if instruction.keyword == "FROM":
            words = [w for w in instruction.arguments.split() if not w.startswith("--")]
            image = aliases.get(words[0].lower(), words[0]) if words else ""
            if len(words) >= 3 and words[1].lower() == "as":
                aliases[words[2].lower()] = image
    words = [w for w in stage[0].arguments.split() if not w.startswith("--")] if stage else []
    return aliases.get(words[0].lower(), words[0]).lower() if words else ""
