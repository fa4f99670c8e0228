"""DOCK001: the final stage creates `appuser` and switches to it before `CMD`/`ENTRYPOINT`.

The user is created with the base image's own tools: `addgroup -S appgroup && adduser -S appuser
-G appgroup` on Alpine, `useradd --system --create-home appuser` on Debian, Ubuntu, the
official language images and anything else; distroless images get their built-in `nonroot`
user, and a final `USER root`/`USER 0` is replaced. nginx's master process needs root to bind
port 80, so a final `FROM nginx:<tag>` becomes `FROM nginxinc/nginx-unprivileged:<tag>` with
`USER nginx`, listening on 8080 (see `_nginx.py`). `scratch` has no user database to add to and
is left to a person.
"""

from __future__ import annotations

from cynic.agents.fixers import _nginx
from cynic.agents.fixers._dockerfile import Instruction, base_image, final_stage, instructions
from cynic.agents.fixers._workspace import Unfixable, Workspace
from cynic.models import Finding

APP_USER = "appuser"
ROOT = frozenset({"root", "0", "0:0", "root:root"})


def fix(files: Workspace, finding: Finding) -> str | None:
    lines = files.read(finding.path).splitlines(keepends=True)
    every = instructions([line.rstrip("\n") for line in lines])
    stage = final_stage(every)
    image = base_image(stage, every)
    users = [i for i in stage if i.keyword == "USER"]
    if users and users[-1].arguments.split()[0].lower() not in ROOT:
        return None
    if image == "scratch":
        raise Unfixable("a `scratch` image has no user database: add `USER 65532:65532` and make sure the "
                        "binary needs no root")
    if _is_official_nginx(image):
        return _unprivileged_nginx(files, finding.path, lines, stage)
    if "nginx" in image and "unprivileged" not in image:
        raise Unfixable(f"`{image}` runs nginx's master process as root: build on "
                        f"`{_nginx.UNPRIVILEGED}` and listen on {_nginx.PORT} instead")
    _switch_user(files, finding.path, lines, stage, *_user_for(image, stage))
    return None


def _is_official_nginx(image: str) -> bool:
    name = image.split("@")[0].split(":")[0]
    return name in ("nginx", "library/nginx", "docker.io/library/nginx", "docker.io/nginx")


def _unprivileged_nginx(files: Workspace, path: str, lines: list[str], stage: list[Instruction]) -> str:
    """The stage on `nginxinc/nginx-unprivileged` as `nginx`, on port 8080; what a person must check."""
    _nginx.unprivileged_image(lines, stage[0])
    _nginx.expose_unprivileged_port(lines, stage)
    _switch_user(files, path, lines, stage, "nginx", None)
    confs, missing = _nginx.listen_on_unprivileged_port(files, path, stage)
    updated = [*confs, *_nginx.remap_compose_ports(files, path)]
    note = f"the container of {path} now listens on port {_nginx.PORT}, not 80"
    if updated:
        note += f" ({', '.join(updated)} updated)"
    if missing:
        note += f"; {', '.join(missing)} was not found: make it `listen {_nginx.PORT}`"
    return f"{note}; point any other port mapping, proxy or health check at {_nginx.PORT}"


def _switch_user(files: Workspace, path: str, lines: list[str], stage: list[Instruction], user: str,
                 creation: str | None) -> None:
    """`USER user` (after `creation`, the RUN line creating it) before the final CMD, or instead of `USER root`."""
    users = [i for i in stage if i.keyword == "USER"]
    if users:
        last = users[-1]
        lines[last.first : last.last + 1] = [f"USER {user}\n"]
        if creation:
            lines.insert(last.first, creation)
    else:
        anchor = _anchor(stage)
        position = anchor.first if anchor else len(lines)
        if anchor is None and lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        lines[position:position] = [line for line in (creation, f"USER {user}\n") if line]
    files.write(path, "".join(lines))


def _user_for(image: str, stage: list[Instruction]) -> tuple[str, str | None]:
    """The user to switch to, and the RUN line creating it (None when the image or stage has it)."""
    if "distroless" in image:
        return "nonroot", None
    if any(i.keyword == "RUN" and APP_USER in i.arguments and ("useradd" in i.arguments or "adduser" in i.arguments)
           for i in stage):
        return APP_USER, None
    if "alpine" in image:
        return APP_USER, f"RUN addgroup -S appgroup && adduser -S {APP_USER} -G appgroup\n"
    return APP_USER, f"RUN useradd --system --create-home {APP_USER}\n"


def _anchor(stage: list[Instruction]) -> Instruction | None:
    """The final `CMD` or `ENTRYPOINT`, whichever comes first among the last ones, or None."""
    commands = [i for i in stage if i.keyword in ("CMD", "ENTRYPOINT")]
    return min(commands[-2:], key=lambda i: i.first) if commands else None
