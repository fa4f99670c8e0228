"""An nginx final stage moved to `nginxinc/nginx-unprivileged`, which runs as `nginx` on port 8080.

Port 80 needs root, so everything that said 80 for that image moves to 8080: `EXPOSE`, `listen`
in the nginx conf the Dockerfile copies, and the container side of the compose port mappings of
the service built from the Dockerfile's folder.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from cynic.agents.fixers._dockerfile import Instruction
from cynic.agents.fixers._workspace import Unfixable, Workspace
from cynic.source import FileKind

UNPRIVILEGED = "nginxinc/nginx-unprivileged"
PORT = "8080"
_OFFICIAL_IMAGE = re.compile(r"^(?P<head>\s*FROM\s+(?:--\S+\s+)*)(?:docker\.io/)?(?:library/)?nginx(?P<tail>(?::[\w.-]+)?(?:\s|$))", re.I)
_EXPOSE_80 = re.compile(r"(?<![\w:])80(?=/tcp\b|\s|$)")
_LISTEN_80 = re.compile(r"(\blisten\s+(?:\[::\]:|0\.0\.0\.0:)?)80\b")
_PORT_ENTRY = re.compile(r"""^(?P<head>\s*-\s*["']?(?:[\d.]+:)?\d+:)80(?P<tail>(?:/tcp)?["']?\s*)$""")
_COPY_SOURCE = re.compile(r"\.conf(?:\.template)?$")


def unprivileged_image(lines: list[str], stage_from: Instruction) -> None:
    """`FROM nginx:<tag>` becomes `FROM nginxinc/nginx-unprivileged:<tag>`, in place."""
    match = _OFFICIAL_IMAGE.match(lines[stage_from.first])
    if match is None:
        raise Unfixable("the final stage builds on nginx through another stage or a digest: base it on "
                        f"`{UNPRIVILEGED}:<tag>` and listen on {PORT} by hand")
    line = lines[stage_from.first]
    lines[stage_from.first] = f"{match['head']}{UNPRIVILEGED}{match['tail']}{line[match.end():]}"


def expose_unprivileged_port(lines: list[str], stage: list[Instruction]) -> None:
    """`EXPOSE 80` becomes `EXPOSE 8080` in the final stage, in place."""
    for instruction in stage:
        if instruction.keyword == "EXPOSE":
            lines[instruction.first] = _EXPOSE_80.sub(PORT, lines[instruction.first])


def listen_on_unprivileged_port(files: Workspace, dockerfile: str, stage: list[Instruction]) -> tuple[list[str], list[str]]:
    """Every nginx conf the stage copies from the build context now listens on 8080: (confs edited, confs not found)."""
    folder = PurePosixPath(dockerfile).parent
    edited, missing = [], []
    for instruction in stage:
        if instruction.keyword not in ("COPY", "ADD") or "--from" in instruction.arguments:
            continue
        sources = [w for w in instruction.arguments.split()[:-1] if not w.startswith("--")]
        for source in (s for s in sources if _COPY_SOURCE.search(s)):
            path = _normalise(folder / source)
            if not files.exists(path):
                missing.append(path)
                continue
            text = files.read(path)
            if _LISTEN_80.search(text):
                files.write(path, _LISTEN_80.sub(rf"\g<1>{PORT}", text))
                edited.append(path)
    return edited, missing


def remap_compose_ports(files: Workspace, dockerfile: str) -> list[str]:
    """`"5173:80"` becomes `"5173:8080"` for the compose services built from the Dockerfile's folder."""
    folder = _normalise(PurePosixPath(dockerfile).parent)
    changed = []
    for path in files.files(FileKind.COMPOSE):
        lines = files.read(path).splitlines(keepends=True)
        base = PurePosixPath(path).parent
        edited = False
        for start, end in _service_blocks(lines):
            if _build_context(lines[start:end], base) != folder:
                continue
            for index in range(start, end):
                match = _PORT_ENTRY.match(lines[index].rstrip("\n"))
                if match:
                    lines[index] = f"{match['head']}{PORT}{match['tail']}" + ("\n" if lines[index].endswith("\n") else "")
                    edited = True
        if edited:
            files.write(path, "".join(lines))
            changed.append(path)
    return changed


def _service_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) line ranges of each service under `services:`."""
    blocks: list[tuple[int, int]] = []
    in_services, service_indent, start = False, -1, None
    for index, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        if indent == 0:
            if start is not None:
                blocks.append((start, index))
                start = None
            in_services = line.startswith("services:")
            service_indent = -1
            continue
        if in_services and (service_indent < 0 or indent == service_indent) and line.rstrip().endswith(":"):
            if start is not None:
                blocks.append((start, index))
            service_indent, start = indent, index
    if start is not None:
        blocks.append((start, len(lines)))
    return blocks


def _build_context(block: list[str], base: PurePosixPath) -> str | None:
    """The folder a service is built from (`build: ./frontend` or `build: {context: ./frontend}`)."""
    for line in block:
        match = re.match(r"""^\s*(?:build|context):\s*["']?([^"'#\s]+)""", line)
        if match:
            return _normalise(base / match[1])
    return None


def _normalise(path: PurePosixPath) -> str:
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or "."
