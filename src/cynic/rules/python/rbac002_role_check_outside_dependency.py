"""RBAC002: role enforcement written in handler bodies, or admin routes with no role dependency."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project.fastapi import FastAPIModel, RouteView, fastapi_model
from cynic.rules._lowering import lowers_exactly
from cynic.rules.base import Hit, ProjectRule
from cynic.rules.python._access import (
    current_user_params,
    has_role_dependency,
    is_ownership_compare,
    is_protected,
    role_checked_calls,
)

_ADMIN_WORD = lazy_compile(r"admin|superuser", re.I)
_USER_ITEM = lazy_compile(r"/users?/\{[^}]+\}/?(?:(role|roles|activate|deactivate|ban|unban|promote|demote|disable|enable|permissions)/?)?$", re.I)
_USER_COLLECTION = lazy_compile(r"/users/?$", re.I)


class RoleCheckOutsideDependency(ProjectRule):
    """Role checks written inside handlers, or admin-only routes without a role dependency.

    ## What it does
    Reports an `if` in a route handler that enforces a role by hand (`if user.role != Role.ADMIN:
    raise ...`, `if not current_user.is_superuser: raise ...`) at the `if` line, and a call from a
    handler to a helper that does so at the call line. It also reports, at the route decorator,
    a route that is plainly admin-only (its path or handler name says admin, or it manages other
    users: `DELETE`/`PATCH`/`PUT /users/{id}`, `GET /users/`) when no role dependency guards it
    on the route, its router, an `include_router` or an `Annotated` alias. The FastAPI template's
    `if not current_user.is_superuser and (item.owner_id != current_user.id)` is an ownership
    check with an admin bypass, not role enforcement, and is not reported.

    ## Why is this bad?
    A check written in each handler is forgotten in the next one. A dependency
    (`Depends(require_role(Role.ADMIN))`) on the route or the router is declared once, shows in
    the OpenAPI schema, and cannot be skipped by an early `return`.

    ## Example
    ```python app/main.py
    from fastapi import Depends, FastAPI, HTTPException

    from app.deps import get_current_user

    app = FastAPI()


    @app.delete("/users/{user_id}")
    def delete_user(user_id: int, current_user=Depends(get_current_user)) -> None:
        if not current_user.is_superuser:
            raise HTTPException(status_code=403)
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import Depends, FastAPI

    from app.deps import Role, require_role

    app = FastAPI()


    @app.delete("/users/{user_id}", dependencies=[Depends(require_role(Role.ADMIN))])
    def delete_user(user_id: int) -> None:
        return None
    ```

    ## References
    - https://fastapi.tiangolo.com/tutorial/dependencies/dependencies-in-path-operation-decorators/
    - CWE-285: Improper Authorization
    """

    code = "RBAC002"
    name = "role-check-outside-dependency"
    severity = Severity.MEDIUM
    cwe = (285,)
    fix = "Move the role check into a dependency (`Depends(require_role(Role.ADMIN))`) on the route or its router."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        for view in model.routes:
            inline = list(self._inline_checks(model, view))
            yield from inline
            if inline or has_role_dependency(model, view) or not _admin_only(view):
                continue
            if _self_service(model, view):
                continue
            yield self.hit(
                view.file,
                view.line,
                f"{view.route.method} {view.path} is admin-only but no role dependency guards it.",
                confidence=None if is_protected(model, view) else Confidence.MEDIUM,
            )

    def _inline_checks(self, model: FastAPIModel, view: RouteView) -> Iterator[Hit]:
        handler = view.handler_symbol
        if handler is None:
            return
        for line, test in handler.definition.role_checks:  # type: ignore[union-attr]
            yield self.hit(handler.path, line, f"Role checked inline in the handler (`{test}`), not by a dependency.")
        for call in role_checked_calls(model, handler):
            yield self.hit(handler.path, call.line, f"Role checked by calling `{call.callee}` in the handler, not by a dependency.")


def _admin_only(view: RouteView) -> bool:
    path = view.path
    if _says_admin(path) or _says_admin(view.route.function):
        return True
    if lowers_exactly(path) and "/user" not in path.lower():
        return False  # both patterns below need `/user`, case aside
    method = view.route.method
    user_item = _USER_ITEM.search(path)
    if user_item:
        return method in ("DELETE", "PATCH", "PUT") or bool(user_item.group(1))
    return method == "GET" and bool(_USER_COLLECTION.search(path))


def _says_admin(text: str) -> bool:
    """`_ADMIN_WORD.search(text)`. A case-insensitive search tries each word at every position of
    the text, slowly; where the lowered text answers as that search would (`lowers_exactly`: any
    ASCII path or name), `in` finds the words far faster."""
    if lowers_exactly(text):
        lowered = text.lower()
        return "admin" in lowered or "superuser" in lowered
    return bool(_ADMIN_WORD.search(text))


def _self_service(model: FastAPIModel, view: RouteView) -> bool:
    """A user route that only lets users act on themselves (`if user_id != current_user.id: raise`)."""
    if view.handler is None:
        return False
    users = current_user_params(model, view)
    return any(is_ownership_compare(c.left, c.right, users, frozenset()) for c in view.handler.compares)
