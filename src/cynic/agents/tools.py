"""The coder's tools: read, search and edit files inside the workspace, and run the tests.

The names and arguments are a contract other harnesses drive too:
`list_files(path=".")`, `read_file(path, start_line=None, end_line=None)`,
`write_file(path, content)`, `replace_in_file(path, old, new)`, `search_code(pattern)`,
`run_tests()`. A failed call returns `error: ...` to the model instead of raising; a call that
names a path outside the workspace is refused and counted in `Toolbox.refused`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cynic.agents.redact import REDACTED, is_dotenv, redact_file, redact_secrets
from cynic.sandbox.paths import PathEscape, resolve_inside
from cynic.walk import ALWAYS_SKIPPED_DIRS

MAX_LISTED = 400
MAX_READ_CHARS = 60_000
MAX_MATCHES = 80
MAX_TEST_OUTPUT = 8_000
MAX_SEARCHED_BYTES = 1_000_000


class ToolError(Exception):
    """A tool call that cannot be done; its message goes back to the model."""


def confine(workspace: Path, path: str, *, writing: bool = False) -> Path:
    """The one gate between a model-chosen path and the disk."""
    resolved = resolve_inside(workspace, path, for_write=writing)
    if writing:
        if ".git" in Path(path).parts:
            raise PathEscape(f"{path} is inside .git; the repository's metadata is not editable")
    return resolved


def _spec(name: str, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_PATH = {"type": "string", "description": "Path relative to the repository root."}
TOOL_SPECS: list[dict[str, Any]] = [
    _spec("list_files", "List files (with sizes) under a folder of the repository.",
          {"path": {**_PATH, "default": "."}}, []),
    _spec("read_file", "Read a text file, optionally only lines start_line..end_line (1-based, inclusive).",
          {"path": _PATH, "start_line": {"type": ["integer", "null"]}, "end_line": {"type": ["integer", "null"]}},
          ["path"]),
    _spec("write_file", "Create or overwrite a file with the given content.",
          {"path": _PATH, "content": {"type": "string"}}, ["path", "content"]),
    _spec("replace_in_file", "Replace one exact occurrence of `old` by `new`; fails if `old` occurs zero or several times.",
          {"path": _PATH, "old": {"type": "string"}, "new": {"type": "string"}}, ["path", "old", "new"]),
    _spec("search_code", "Search every text file for a regular expression; returns path:line: text.",
          {"pattern": {"type": "string"}}, ["pattern"]),
    _spec("run_tests", "Run the project's test command and return its output.", {}, []),
]


@dataclass
class Toolbox:
    """The tools bound to one workspace, with what they did during a round."""

    workspace: Path
    run_tests_command: Callable[[], str] | None = None
    changed: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    calls: int = 0

    def call(self, name: str, arguments: str) -> str:
        """Run the tool `name` with JSON `arguments`; always returns text for the model."""
        self.calls += 1
        handler = getattr(self, f"_tool_{name}", None) if name in _NAMES else None
        if handler is None:
            return f"error: there is no tool named {name!r}; use one of {', '.join(sorted(_NAMES))}"
        try:
            parsed = json.loads(arguments or "{}")
            if not isinstance(parsed, dict):
                raise ToolError("arguments must be a JSON object")
            return handler(**parsed)
        except PathEscape as refusal:
            self.refused.append(f"{name}: {refusal}")
            return f"error: refused: {refusal}"
        except (ToolError, json.JSONDecodeError, TypeError) as problem:
            return f"error: {problem}"

    def _tool_list_files(self, path: str = ".") -> str:
        folder = confine(self.workspace, path)
        if not folder.is_dir():
            raise ToolError(f"{path} is not a folder")
        entries = list(files_under(folder, self.workspace.resolve()))
        shown = [f"{rel}  ({size} bytes)" for rel, size in entries[:MAX_LISTED]]
        if len(entries) > MAX_LISTED:
            shown.append(f"... {len(entries) - MAX_LISTED} more; list a subfolder to see them")
        return "\n".join(shown) or "(no files)"

    def _tool_read_file(self, path: str, start_line: int | None = None, end_line: int | None = None) -> str:
        lines = _read_text(confine(self.workspace, path), path).splitlines()
        first = max(1, start_line or 1)
        last = min(len(lines), end_line or len(lines))
        body = redact_file(path, "\n".join(lines[first - 1 : last]))
        if len(body) > MAX_READ_CHARS:
            body = body[:MAX_READ_CHARS] + "\n... cut; read a smaller range with start_line/end_line"
        return f"{path} (lines {first}-{last} of {len(lines)}):\n{body}"

    def _tool_write_file(self, path: str, content: str) -> str:
        target = confine(self.workspace, path, writing=True)
        if REDACTED in content:
            raise ToolError(f"the content contains {REDACTED}; write the real text (secrets belong in the environment)")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        self._changed(path)
        return f"wrote {path} ({len(content.splitlines())} lines)"

    def _tool_replace_in_file(self, path: str, old: str, new: str) -> str:
        target = confine(self.workspace, path, writing=True)
        text = _read_text(target, path)
        if REDACTED in new:
            raise ToolError(f"the new text contains {REDACTED}; write the real text (secrets belong in the environment)")
        matches = list(_occurrences(text, old, dotenv=is_dotenv(path)))
        if len(matches) != 1:
            found = "does not occur" if not matches else f"occurs {len(matches)} times"
            raise ToolError(f"the old text {found} in {path}; quote it exactly, with enough lines to be unique")
        start, end = matches[0]
        target.write_text(text[:start] + new + text[end:], encoding="utf-8")
        self._changed(path)
        return f"replaced 1 occurrence in {path}"

    def _tool_search_code(self, pattern: str) -> str:
        try:
            regex = re.compile(pattern)
        except re.error as problem:
            raise ToolError(f"invalid regular expression: {problem}") from None
        root = self.workspace.resolve()
        hits: list[str] = []
        for rel, size in files_under(root, root):
            if size > MAX_SEARCHED_BYTES:
                continue
            try:
                text = (root / rel).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                if regex.search(line):
                    hits.append(f"{rel}:{number}: {redact_file(rel, line)[:200]}")
                    if len(hits) >= MAX_MATCHES:
                        return "\n".join(hits) + f"\n... stopped at {MAX_MATCHES} matches; narrow the pattern"
        return "\n".join(hits) or "no matches"

    def _tool_run_tests(self) -> str:
        if self.run_tests_command is None:
            return "no test command is configured for this project (set test_cmd); tests were not run"
        output = redact_secrets(self.run_tests_command())
        return output if len(output) <= MAX_TEST_OUTPUT else "... (start cut)\n" + output[-MAX_TEST_OUTPUT:]

    def _changed(self, path: str) -> None:
        rel = Path(path).as_posix().removeprefix("./")
        if rel not in self.changed:
            self.changed.append(rel)


_NAMES = frozenset(spec["function"]["name"] for spec in TOOL_SPECS)


def _read_text(target: Path, path: str) -> str:
    if not target.is_file():
        raise ToolError(f"{path} is not a file; list_files shows what exists")
    try:
        return target.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ToolError(f"{path} is not UTF-8 text") from None


def _occurrences(text: str, old: str, *, dotenv: bool) -> Iterator[tuple[int, int]]:
    """Spans of `old` in `text`; a `<redacted>` in `old` stands for the hidden value it replaced."""
    if not old:
        return
    if REDACTED not in old:
        start = text.find(old)
        while start != -1:
            yield start, start + len(old)
            start = text.find(old, start + 1)
        return
    hidden = r"[^\n]*" if dotenv else r"[^\s\"']+"
    pattern = hidden.join(re.escape(piece) for piece in old.split(REDACTED))
    yield from (match.span() for match in re.finditer(pattern, text))


def files_under(folder: Path, root: Path) -> Iterator[tuple[str, int]]:
    """(relative path, size) of every regular file under `folder`, skipping tool and vendor folders."""
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in ALWAYS_SKIPPED_DIRS and not Path(current, d).is_symlink())
        for name in sorted(files):
            path = Path(current, name)
            if name == ".git" or path.is_symlink() or not path.is_file():  # a worktree's .git is a file
                continue
            yield path.relative_to(root).as_posix(), path.stat().st_size
