"""RBAC001: users carry roles or privilege flags, but no Role enum names them."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project._symbols import Symbol
from cynic.project.fastapi import FastAPIModel, fastapi_model
from cynic.rules.base import Hit, ProjectRule

_USER_CLASS = lazy_compile(r"^(db|app|base)?_?users?(model|orm|table|db|indb|base|entity|schema)?$", re.I)
_PRIVILEGE_FIELDS = frozenset({"role", "roles", "user_role", "is_admin", "is_superuser", "is_staff", "user_type"})


class MissingRoleEnum(ProjectRule):
    """Users have roles or privilege flags, but there is no `Role` enum with USER and ADMIN.

    ## What it does
    Finds the user model (a class named `User`, `UserBase`, `UserModel`...) and, when it (or a
    base) has a role or privilege field (`role: str`, `roles: list[str]`, `is_admin`,
    `is_superuser`), checks that the model uses an `Enum` with at least `USER` and `ADMIN`
    members. The finding is on the user model's class line (the table model when there is one)
    and covers the whole file. An enum named for roles that lacks USER or ADMIN is reported with
    low confidence.

    ## Why is this bad?
    Roles kept as free strings or a lone `is_superuser` flag cannot grow into RBAC: a typo
    (`"admn"`) silently grants nothing or everything, and checks drift apart across handlers.
    An enum gives one list of roles that the type checker, the database and `require_role` share.

    ## Example
    ```python app/models.py
    from sqlmodel import Field, SQLModel


    class User(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        email: str
        role: str = "user"
    ```

    ## Use instead
    ```python app/models.py
    from enum import Enum

    from sqlmodel import Field, SQLModel


    class Role(str, Enum):
        USER = "user"
        ADMIN = "admin"


    class User(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        email: str
        role: Role = Role.USER
    ```

    ## References
    - https://owasp.org/Top10/A01_2021-Broken_Access_Control/
    - CWE-285: Improper Authorization
    """

    code = "RBAC001"
    name = "missing-role-enum"
    severity = Severity.LOW
    cwe = (285,)
    fix = "Define `class Role(str, Enum): USER = \"user\"; ADMIN = \"admin\"` and type the user's role field with it."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        users = [c for c in model.classes() if _USER_CLASS.match(c.definition.name) and not model.is_enum(c)]
        privileged = [u for u in users if _PRIVILEGE_FIELDS & set(model.fields_of(u))]
        if not privileged:
            return
        enums = [e for u in users for e in _enums_used(model, u)]
        complete = [e for e in enums if _has_user_and_admin(model, e)]
        if complete:
            return
        anchor = _anchor(model, privileged)
        flags = sorted(_PRIVILEGE_FIELDS & set(model.fields_of(anchor)))
        if any("role" in e.definition.name.lower() for e in enums):
            yield self.hit(
                anchor.path,
                anchor.definition.line,  # type: ignore[union-attr]
                f"The role enum used by `{anchor.definition.name}` lacks a USER or an ADMIN member.",
                confidence=Confidence.LOW,
                whole_file=True,
            )
            return
        yield self.hit(
            anchor.path,
            anchor.definition.line,  # type: ignore[union-attr]
            f"`{anchor.definition.name}` has privilege fields ({', '.join(flags)}) but no Role enum.",
            whole_file=True,
        )


def _enums_used(model: FastAPIModel, user: Symbol) -> list[Symbol]:
    found = []
    for field, owner in model.fields_of(user).values():
        for ref in field.refs:
            klass = model.klass(owner.module, ref.split(".")[0]) or model.klass(owner.module, ref)
            if klass is not None and model.is_enum(klass):
                found.append(klass)
    return found


def _has_user_and_admin(model: FastAPIModel, enum: Symbol) -> bool:
    members = set()
    for field, _ in model.fields_of(enum).values():
        members.add(field.name.lower())
        if field.default is not None and isinstance(field.default.literal, str):
            members.add(field.default.literal.lower())
    return {"user", "admin"} <= members


def _anchor(model: FastAPIModel, users: list[Symbol]) -> Symbol:
    """The user table model if there is one, else a class named `User`, else the first."""

    def rank(symbol: Symbol) -> tuple[int, int, str, int]:
        info = symbol.definition
        table = info.has_tablename or any(k == "table" and v.literal is True for k, v in info.keywords)  # type: ignore[union-attr]
        return (0 if table else 1, 0 if info.name.lower() == "user" else 1, symbol.path, info.line)  # type: ignore[union-attr]

    return min(users, key=rank)
