"""DOCK001: the image's final stage runs its process as root."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Severity
from cynic.parsing.dockerfile import Dockerfile, Instruction, Stage, assignments, expand
from cynic.rules.base import FileRule, Hit
from cynic.source import FileKind, SourceFile

_NON_ROOT_BASES = lazy_compile(r"distroless/.*:(?:[\w.-]*-)?nonroot\b|^cgr\.dev/[^:]+(?::(?![\w.]*-dev\b)\S*)?$|-unprivileged\b|^(?:docker\.io/)?bitnami/", re.I)
_PRIVILEGE_DROP = lazy_compile(r"\b(?:gosu|su-exec|setpriv|runuser|setuidgid|chpst)\b")


class EffectiveUser(NamedTuple):
    """Who the stage's process runs as, and the USER line that decided it (None: inherited)."""

    name: str
    instruction: Instruction | None
    from_base_image: bool = False


class ContainerRunsAsRoot(FileRule):
    """The container's final stage runs as root.

    ## What it does
    Reads each Dockerfile's final build stage and works out the user its process runs as: the
    last `USER` of that stage, else the user of the stage it is built `FROM` (an earlier stage
    of the same file, or an external base image, which runs as root unless it is a known
    non-root image such as distroless `:nonroot`). Reports a final stage that runs as root: no
    `USER` at all, or `USER root` / `USER 0` / `USER 0:0` last. `USER ${APP_USER}` is read
    through the stage's `ARG` and `ENV` defaults.

    ## Why is this bad?
    A process running as root inside the container turns every other flaw (a path traversal,
    a deserialization bug, a command injection) into root on the container, with write access to
    the application's code and an easier path to the host through a kernel or runtime escape.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    CMD ["fastapi", "run", "app/main.py", "--port", "80"]
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.12-slim
    WORKDIR /app
    RUN useradd --system --uid 10001 --no-create-home appuser
    COPY --chown=appuser . .
    RUN pip install --no-cache-dir -r requirements.txt
    USER appuser
    CMD ["fastapi", "run", "app/main.py", "--port", "8000"]
    ```

    ## References
    - CWE-250: Execution with Unnecessary Privileges
    - Docker docs, Dockerfile reference: USER
    - OWASP Docker Security Cheat Sheet, rule #2: set a user
    """

    code = "DOCK001"
    name = "container-runs-as-root"
    severity = Severity.MEDIUM
    cwe = (250,)
    fix = "Create an unprivileged user in the final stage (`RUN useradd --system --uid 10001 appuser`) and switch to it with `USER appuser` before CMD/ENTRYPOINT."
    kinds = frozenset({FileKind.DOCKERFILE})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        dockerfile: Dockerfile = source.tree
        if not dockerfile.stages:
            return
        final = dockerfile.stages[-1]
        user = effective_user(dockerfile, final)
        if not is_root(user.name):
            return
        starts = [i for i in final.instructions if i.keyword in ("CMD", "ENTRYPOINT")]
        anchor = starts[-1].line if starts else final.line
        if user.instruction is not None:
            message = f"The final stage switches to root (`USER {user.instruction.value}` on line {user.instruction.line}) and runs as root."
        elif user.from_base_image:
            message = f"The final stage has no USER, so it runs as root, the default user of `{final.base}`."
        else:
            message = "The final stage has no USER, so it runs as root."
        dropped = any(_PRIVILEGE_DROP.search(i.value + " ".join(i.heredocs)) for i in final.instructions)
        yield self.hit(
            source.path,
            anchor,
            message + (" An entrypoint may drop privileges with gosu/su-exec." if dropped else ""),
            confidence=Confidence.LOW if dropped else None,
            whole_file=user.instruction is None,
        )


def effective_user(dockerfile: Dockerfile, stage: Stage, seen: frozenset[int] = frozenset()) -> EffectiveUser:
    """The user `stage` runs as: its last USER, else its parent stage's, else its base image's."""
    variables = dict(_inherited_env(dockerfile, stage, seen))
    last: EffectiveUser | None = None
    for instruction in stage.instructions:
        if instruction.keyword in ("ARG", "ENV"):
            for name, value in assignments(instruction).items():
                variables[name] = value or variables.get(name) or dockerfile.global_args.get(name, "")
        elif instruction.keyword == "USER":
            last = EffectiveUser(expand(instruction.value, variables).strip(), instruction)
    if last is not None:
        return last
    parent = dockerfile.stage_named(stage.base)
    if parent is not None and parent.line < stage.line and parent.line not in seen:
        return effective_user(dockerfile, parent, seen | {stage.line})
    return EffectiveUser("nonroot" if _NON_ROOT_BASES.search(stage.base) else "root", None, from_base_image=True)


def _inherited_env(dockerfile: Dockerfile, stage: Stage, seen: frozenset[int]) -> Iterator[tuple[str, str]]:
    parent = dockerfile.stage_named(stage.base)
    if parent is None or parent.line >= stage.line or parent.line in seen:
        return
    yield from _inherited_env(dockerfile, parent, seen | {stage.line})
    for instruction in parent.instructions:
        if instruction.keyword == "ENV":
            yield from assignments(instruction).items()


def is_root(user: str) -> bool:
    """`root`, `0`, `root:staff`, `0:0`; an unresolved or empty value is given the benefit of the doubt."""
    name = user.split(":", 1)[0].strip().strip("\"'")
    return name in ("root", "0")
