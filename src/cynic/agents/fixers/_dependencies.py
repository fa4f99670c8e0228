"""Declare a new third-party dependency in the project's own dependency files, when it has them."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

from cynic.agents.fixers._workspace import Workspace
from cynic.source import FileKind

_PEP508_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_NPM_VERSIONS = {"dompurify": "^3.2.4"}


def add_python_dependency(files: Workspace, package: str) -> None:
    """Add `package` to every requirements.txt and pyproject.toml `[project] dependencies` found."""
    for path in _named(files, "requirements.txt"):
        text = files.read(path)
        if not _lists(text.splitlines(), package):
            files.write(path, f"{text}{'' if not text or text.endswith(chr(10)) else chr(10)}{package}\n")
    for path in _named(files, "pyproject.toml"):
        _add_to_pyproject(files, path, package)


def add_npm_dependency(files: Workspace, package: str) -> None:
    """Add `package` to the `dependencies` of every package.json that has such a section."""
    for path in _named(files, "package.json"):
        text = files.read(path)
        try:
            manifest = json.loads(text)
        except json.JSONDecodeError:
            continue
        dependencies = manifest.get("dependencies")
        if not isinstance(dependencies, dict) or not dependencies or package in dependencies:
            continue
        files.write(path, _with_npm_entry(text, sorted(dependencies), package))


def _with_npm_entry(text: str, names: list[str], package: str) -> str:
    """package.json's text with `"package": "version"` in its sorted place in `dependencies`."""
    block = re.search(r'"dependencies"\s*:\s*\{', text)
    assert block is not None
    version = _NPM_VERSIONS.get(package, "latest")
    following = [name for name in names if name > package]
    anchor_name = following[0] if following else names[-1]
    anchor = re.compile(r'^([ \t]*)"' + re.escape(anchor_name) + r'"\s*:\s*"[^"]*"', re.M).search(text, block.end())
    if anchor is None:
        return text
    indent = anchor[1]
    if following:
        return f'{text[: anchor.start()]}{indent}"{package}": "{version}",\n{text[anchor.start():]}'
    return f'{text[: anchor.end()]},\n{indent}"{package}": "{version}"{text[anchor.end():]}'


def _named(files: Workspace, name: str) -> list[str]:
    return [p for p in files.files(FileKind.TEXT) if PurePosixPath(p).name == name]


def _lists(lines: list[str], package: str) -> bool:
    wanted = _normal(package)
    return any((m := _PEP508_NAME.match(line.strip("\"', "))) and _normal(m[1]) == wanted for line in lines)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _add_to_pyproject(files: Workspace, path: str, package: str) -> None:
    text = files.read(path)
    project = re.search(r"^\[project\]\s*$(?P<body>.*?)(?=^\[|\Z)", text, re.M | re.S)
    if project is None:
        return
    block = re.search(r"^dependencies\s*=\s*\[(?P<items>\n.*?)^\s*\]", project["body"], re.M | re.S) or re.search(
        r"^dependencies\s*=\s*\[(?P<items>.*)\]\s*$", project["body"], re.M)
    if block is None or _lists(re.findall(r"[\"']([^\"']+)[\"']", block["items"]), package):
        return
    items_start = project.start("body") + block.start("items")
    items = block["items"]
    if "\n" in items:
        indent = re.search(r"\n([ \t]+)\S", items)
        entry = f'{indent[1] if indent else "    "}"{package}",\n'
        stripped = items.rstrip(" \t")
        new_items = stripped + ("" if stripped.endswith(("\n", "[")) else "\n") + entry
        if not stripped.rstrip().endswith(",") and stripped.strip():
            new_items = stripped.rstrip() + ",\n" + entry
    else:
        new_items = f'{items.rstrip().rstrip(",")}, "{package}"' if items.strip() else f'"{package}"'
    files.write(path, text[:items_start] + new_items + text[items_start + len(items):])
