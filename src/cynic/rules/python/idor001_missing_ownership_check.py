"""IDOR001: a protected endpoint that fetches a row by a request id without checking its owner."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project._symbols import Symbol
from cynic.project.fastapi import FastAPIModel, RouteView, fastapi_model
from cynic.rules.base import Hit, ProjectRule
from cynic.rules.python._access import (
    OWNER_FIELDS,
    UncheckedLookup,
    current_user_params,
    enforces_role_inline,
    has_role_dependency,
    is_auth_dependency,
    is_protected,
    unchecked_lookups,
)
from cynic.rules.python.val002_unknown_fields_allowed import body_params

_CONFIDENCE_ORDER = (Confidence.HIGH, Confidence.MEDIUM, Confidence.LOW)


class MissingOwnershipCheck(ProjectRule):
    """A protected endpoint reads, changes or deletes a row by id without checking who owns it.

    ## What it does
    For each route guarded by a current-user dependency (on the route, through an `Annotated`
    alias, or on its router), follows the ids the request supplies (path parameters, `*_id`
    query parameters, body fields) into database lookups: `session.get(Item, id)`,
    `select(Item).where(Item.id == id)`, `db.query(Item).filter(...)`, `Item.get(id=...)`, and
    raw SQL with a `WHERE` given that id as a bound parameter (`cur.execute("... WHERE id = %s",
    (item_id,))`), in the handler, in its dependencies and in the helpers, service methods and
    repositories it calls, one or two levels deep. The route is reported at its decorator line
    when none of those places checks ownership: an owner filter (`Item.owner_id == user.id`,
    `filter_by(owner_id=...)`, `AND owner_id = %s` bound to the current user), a
    compare-and-raise (`if item.owner_id != current_user.id: raise ...`) or a helper given the
    current user that does either. Such a helper vouches only for the ids passed to it: after
    `owned_note(session, note_id, user)`, loading an attachment by `attachment_id` is still
    reported unless the row is tied to the checked one (`attachment.note_id != note.id`).
    Admin routes behind a role dependency are not reported. When the model has no owner column
    (`owner_id`, `user_id`, `author_id`, `created_by`) the finding has low confidence; a raw-SQL
    lookup, whose table is not resolved to a model, has medium confidence.

    ## Why is this bad?
    A valid token says who the caller is, not what they may touch. Without the owner check any
    user can read, change or delete anyone's rows by changing the id in the URL (IDOR).

    ## Example
    ```python app/main.py
    from fastapi import Depends, FastAPI
    from sqlmodel import Field, Session, SQLModel

    from app.deps import get_current_user, get_session

    app = FastAPI()


    class Item(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        owner_id: int


    @app.get("/items/{item_id}")
    def read_item(item_id: int, session: Session = Depends(get_session), user=Depends(get_current_user)) -> Item:
        return session.get(Item, item_id)
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import Depends, FastAPI, HTTPException
    from sqlmodel import Field, Session, SQLModel

    from app.deps import get_current_user, get_session

    app = FastAPI()


    class Item(SQLModel, table=True):
        id: int | None = Field(default=None, primary_key=True)
        owner_id: int


    @app.get("/items/{item_id}")
    def read_item(item_id: int, session: Session = Depends(get_session), user=Depends(get_current_user)) -> Item:
        item = session.get(Item, item_id)
        if item is None or item.owner_id != user.id:
            raise HTTPException(status_code=404)
        return item
    ```

    ## References
    - https://owasp.org/API-Security/editions/2023/en/0xa1-broken-object-level-authorization/
    - CWE-639: Authorization Bypass Through User-Controlled Key
    """

    code = "IDOR001"
    name = "missing-ownership-check"
    severity = Severity.HIGH
    cwe = (639,)
    fix = "Filter the query by owner (`.where(Item.owner_id == current_user.id)`) or compare and raise 404/403 before using the row."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        for view in model.routes:
            handler = view.handler_symbol
            if handler is None or not is_protected(model, view) or has_role_dependency(model, view):
                continue
            if enforces_role_inline(model, handler):
                continue
            found = _unchecked(model, view, handler)
            if not found:
                continue
            confidence = min((_confidence(model, u) for u in found), key=_CONFIDENCE_ORDER.index)
            first = found[0]
            where = "" if first.path == view.file else f" in {first.path}:{first.lookup.line}"
            yield self.hit(
                view.file,
                view.line,
                f"{view.route.method} {view.path} loads {first.lookup.model or 'a record'} by a request id{where} "
                "without checking that the current user owns it.",
                confidence=confidence,
            )


def _unchecked(model: FastAPIModel, view: RouteView, handler: Symbol) -> list[UncheckedLookup]:
    """Lookups by request ids in the handler and its dependencies; [] when ownership is checked.

    Ids from the path or the query count for any model; ids inside a body model only for models
    with an owner column (a body's `category_id` usually names shared reference data).
    """
    users = current_user_params(model, view)
    params = zip(handler.definition.params, model.param_uses(handler), strict=True)  # type: ignore[union-attr]
    ids = frozenset(p.name for p, use in params if p.name in view.path_params or (use is None and _id_like(p.name))) - users
    body = frozenset(param.name for param, _ in body_params(model, view)) - users - ids
    found = unchecked_lookups(model, handler, ids, users)
    from_body = unchecked_lookups(model, handler, body, users) if body else []
    if found is None or from_body is None:
        return []
    found.extend(u for u in from_body if _owned_model(model, u) and u not in found)
    for use in view.dependencies:
        if use.param is None or is_auth_dependency(model, use):
            continue
        dependency = model.function(use.module, use.dependency.target) if use.dependency.target else None
        if dependency is None:
            continue
        dep_params = dependency.definition.params  # type: ignore[union-attr]
        dep_users = frozenset(
            p.name
            for p, u in zip(dep_params, model.param_uses(dependency), strict=True)
            if u is not None and is_auth_dependency(model, u)
        )
        dep_ids = frozenset(p.name for p in dep_params if p.name in view.path_params) - dep_users
        inner = unchecked_lookups(model, dependency, dep_ids, dep_users) if dep_ids else []
        if inner is None:
            return []
        found.extend(inner)
    return found


def _id_like(name: str) -> bool:
    """A plain (not injected) parameter named like an id."""
    return name in ("id", "pk", "uuid") or name.endswith(("_id", "Id"))


def _owned_model(model: FastAPIModel, found: UncheckedLookup) -> bool:
    klass = model.klass(found.module, found.lookup.model) if found.lookup.model else None
    return klass is not None and bool(OWNER_FIELDS & set(model.fields_of(klass)))


def _confidence(model: FastAPIModel, found: UncheckedLookup) -> Confidence:
    if found.lookup.model is None:
        return Confidence.MEDIUM
    klass = model.klass(found.module, found.lookup.model)
    if klass is None:
        return Confidence.MEDIUM
    return Confidence.HIGH if OWNER_FIELDS & set(model.fields_of(klass)) else Confidence.LOW
