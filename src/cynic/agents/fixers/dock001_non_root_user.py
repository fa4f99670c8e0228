"""DOCK001: the final stage creates `appuser` and switches to it before `CMD`/`ENTRYPOINT`.

The user is created with the base image's own tools: `addgroup -S appgroup && adduser -S appuser
-G appgroup` on Alpine, `useradd --system --create-home appuser` on Debian, Ubuntu, the
official language images and anything else; distroless images get their built-in `nonroot`
user, and a final `USER root`/`USER 0` is replaced. An nginx image is left to a person: its
master process needs root unless the image is `nginxinc/nginx-unprivileged` (listening on
8080), and `scratch` has no user database to add to.
"""

from __future__ import annotations

from cynic.agents.fixers._dockerfile import Instruction, base_image, final_stage, instructions
from cynic.agents.fixers._workspace import Unfixable, Workspace
from cynic.models import Finding

APP_USER = "appuser"
ROOT = frozenset({"root", "0", "0:0", "root:root"})


def fix(files: Workspace, finding: Finding) -> None:
    lines = files.read(finding.path).splitlines(keepends=True)
    every = instructions([line.rstrip("\n") for line in lines])
    stage = final_stage(every)
    image = base_image(stage, every)
    users = [i for i in stage if i.keyword == "USER"]
    if users and users[-1].arguments.split()[0].lower() not in ROOT:
        return
    if "nginx" in image and "unprivileged" not in image:
        raise Unfixable("an nginx image runs its master process as root: build on "
                        "`nginxinc/nginx-unprivileged` and listen on 8080 instead")
    if image == "scratch":
        raise Unfixable("a `scratch` image has no user database: add `USER 65532:65532` and make sure the "
                        "binary needs no root")
    user, creation = _user_for(image, stage)
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
    files.write(finding.path, "".join(lines))


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
