"""Per-entity routers in three house styles, with occasional IDOR, RBAC and validation flaws."""

from __future__ import annotations

from .names import Entity
from .tree import Tree


def _owner_check(e: Entity, var: str, user: str, missing: bool) -> str:
    """The fetch-then-compare ownership guard, or nothing when the flaw is planted."""
    guard = f'''    if not {var}:
        raise HTTPException(status_code=404, detail="{e.cls} not found")
'''
    if not missing:
        guard += f'''    if {var}.owner_id != {user}.id:
        raise HTTPException(status_code=403, detail="Not enough permissions")
'''
    return guard


def _admin_route(e: Entity, inline: bool, session: str, user: str) -> str:
    if inline:
        return f'''

@router.get("/admin/all", response_model={e.cls_plural}Public)
def admin_list_{e.plural}({session}, {user}) -> Any:
    if current_user.role != Role.ADMIN:
        raise HTTPException(status_code=403, detail="Admins only")
    rows = session.exec(select({e.cls})).all()
    return {e.cls_plural}Public(data=rows, count=len(rows))
'''
    return f'''

@router.get("/admin/all", response_model={e.cls_plural}Public, dependencies=[Depends(require_role(Role.ADMIN))])
def admin_list_{e.plural}({session}) -> Any:
    rows = session.exec(select({e.cls})).all()
    return {e.cls_plural}Public(data=rows, count=len(rows))
'''


def _update_params(e: Entity, unvalidated: bool) -> str:
    if unvalidated:
        return "payload: dict[str, Any] = Body(...)"
    return f"payload: {e.cls}Update"


def _template_style(tree: Tree, e: Entity, path: str) -> str:
    """Style 0: Annotated aliases, fetch-then-compare guards, docstrings."""
    idor = tree.violate("IDOR001", path)
    rbac = tree.violate("RBAC002", path)
    val = tree.violate("VAL001", path)
    dump = "payload" if val else "payload.model_dump(exclude_unset=True)"
    return f'''
router = APIRouter(prefix="/{e.kebab}", tags=["{e.plural}"], dependencies=[Depends(get_current_user)])


@router.get("/", response_model={e.cls_plural}Public)
def read_{e.plural}(session: SessionDep, current_user: CurrentUser, skip: int = 0, limit: int = 100) -> Any:
    """Retrieve the {e.plural.replace("_", " ")} owned by the current user."""
    count_statement = select(func.count()).select_from({e.cls}).where({e.cls}.owner_id == current_user.id)
    count = session.exec(count_statement).one()
    statement = select({e.cls}).where({e.cls}.owner_id == current_user.id).offset(skip).limit(limit)
    rows = session.exec(statement).all()
    return {e.cls_plural}Public(data=rows, count=count)


@router.get("/{{id}}", response_model={e.cls}Public)
def read_{e.snake}(session: SessionDep, current_user: CurrentUser, id: uuid.UUID) -> Any:
    """Get one {e.snake.replace("_", " ")} by id."""
    item = session.get({e.cls}, id)
{_owner_check(e, "item", "current_user", idor)}    return item


@router.post("/", response_model={e.cls}Public)
def create_{e.snake}(*, session: SessionDep, current_user: CurrentUser, item_in: {e.cls}Create) -> Any:
    """Create a new {e.snake.replace("_", " ")}."""
    item = {e.cls}.model_validate(item_in, update={{"owner_id": current_user.id}})
    session.add(item)
    session.commit()
    session.refresh(item)
    return item


@router.put("/{{id}}", response_model={e.cls}Public)
def update_{e.snake}(*, session: SessionDep, current_user: CurrentUser, id: uuid.UUID, {_update_params(e, val)}) -> Any:
    """Update a {e.snake.replace("_", " ")}."""
    item = session.get({e.cls}, id)
{_owner_check(e, "item", "current_user", False)}    item.sqlmodel_update({dump})
    session.add(item)
    session.commit()
    session.refresh(item)
    return item


@router.delete("/{{id}}")
def delete_{e.snake}(session: SessionDep, current_user: CurrentUser, id: uuid.UUID) -> Message:
    """Delete a {e.snake.replace("_", " ")}."""
    item = session.get({e.cls}, id)
{_owner_check(e, "item", "current_user", False)}    session.delete(item)
    session.commit()
    return Message(message="{e.cls} deleted successfully")
{_admin_route(e, rbac, "session: SessionDep", "current_user: CurrentUser")}'''


def _classic_style(tree: Tree, e: Entity, path: str) -> str:
    """Style 1: `Depends(get_db)` defaults, owner-filtered queries, no docstrings."""
    idor = tree.violate("IDOR001", path)
    owner = "" if idor else f", {e.cls}.owner_id == user.id"
    return f'''
router = APIRouter(prefix="/{e.kebab}", tags=["{e.plural}"])


@router.get("", response_model={e.cls_plural}Public)
def list_{e.plural}(skip: int = 0, limit: int = 50, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    rows = db.exec(select({e.cls}).where({e.cls}.owner_id == user.id).offset(skip).limit(limit)).all()
    return {e.cls_plural}Public(data=rows, count=len(rows))


@router.get("/search", response_model={e.cls_plural}Public)
def search_{e.plural}(q: str, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    rows = {e.snake}_service.search(db, owner_id=user.id, term=q)
    return {e.cls_plural}Public(data=rows, count=len(rows))


@router.get("/{{item_id}}", response_model={e.cls}Public)
def get_{e.snake}(item_id: uuid.UUID, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    # only the owner may see the row
    obj = db.exec(select({e.cls}).where({e.cls}.id == item_id{owner})).first()
    if obj is None:
        raise HTTPException(status_code=404, detail="Not found")
    return obj


@router.post("", response_model={e.cls}Public, status_code=201)
def add_{e.snake}(body: {e.cls}Create, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    obj = {e.cls}(**body.model_dump(), owner_id=user.id)
    db.add(obj)
    db.commit()
    db.refresh(obj)
    return obj


@router.patch("/{{item_id}}", response_model={e.cls}Public)
def patch_{e.snake}(item_id: uuid.UUID, body: {e.cls}Update, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    obj = db.exec(select({e.cls}).where({e.cls}.id == item_id, {e.cls}.owner_id == user.id)).first()
    if obj is None:
        raise HTTPException(status_code=404, detail="Not found")
    for key, value in body.model_dump(exclude_unset=True).items():
        setattr(obj, key, value)
    db.add(obj)
    db.commit()
    db.refresh(obj)
    return obj


@router.delete("/{{item_id}}", status_code=204)
def remove_{e.snake}(item_id: uuid.UUID, db: Session = Depends(get_db), user: User = Depends(get_current_user)):
    obj = db.exec(select({e.cls}).where({e.cls}.id == item_id, {e.cls}.owner_id == user.id)).first()
    if obj is None:
        raise HTTPException(status_code=404, detail="Not found")
    db.delete(obj)
    db.commit()
'''


def _service_style(tree: Tree, e: Entity, path: str) -> str:
    """Style 2: async handlers that delegate to the service module."""
    idor = tree.violate("IDOR001", path)
    val = tree.violate("VAL001", path)
    fetch = f"{e.snake}_service.get_by_id(session, id)" if idor else f"{e.snake}_service.get_owned(session, id, owner_id=current_user.id)"
    update = (
        f'''async def update_{e.snake}(id: uuid.UUID, request: Request, session: SessionDep, current_user: CurrentUser) -> {e.cls}Public:
    data = await request.json()
    return {e.snake}_service.update_owned(session, id, owner_id=current_user.id, changes=data)'''
        if val else
        f'''async def update_{e.snake}(id: uuid.UUID, changes: {e.cls}Update, session: SessionDep, current_user: CurrentUser) -> {e.cls}Public:
    return {e.snake}_service.update_owned(session, id, owner_id=current_user.id, changes=changes.model_dump(exclude_unset=True))'''
    )
    return f'''
router = APIRouter(prefix="/{e.kebab}", tags=["{e.plural}"], dependencies=[Depends(get_current_user)])


@router.get("/")
async def fetch_{e.plural}(session: SessionDep, current_user: CurrentUser, page: int = 1, size: int = 25) -> {e.cls_plural}Public:
    rows = {e.snake}_service.list_for_owner(session, owner_id=current_user.id, offset=(page - 1) * size, limit=size)
    return {e.cls_plural}Public(data=rows, count=len(rows))


@router.get("/{{id}}")
async def fetch_{e.snake}(id: uuid.UUID, session: SessionDep, current_user: CurrentUser) -> {e.cls}Public:
    return {fetch}


@router.post("/", status_code=201)
async def create_{e.snake}(item_in: {e.cls}Create, session: SessionDep, current_user: CurrentUser) -> {e.cls}Public:
    return {e.snake}_service.create(session, owner_id=current_user.id, data=item_in)


@router.put("/{{id}}")
{update}


@router.delete("/{{id}}", status_code=204)
async def delete_{e.snake}(id: uuid.UUID, session: SessionDep, current_user: CurrentUser) -> None:
    {e.snake}_service.delete_owned(session, id, owner_id=current_user.id)
'''


def add_router(tree: Tree, e: Entity) -> None:
    """Write `app/api/routes/<entities>.py` in the entity's house style."""
    path = f"backend/app/api/routes/{e.plural}.py"
    body = (_template_style, _classic_style, _service_style)[e.py_style](tree, e, path)
    tree.add(path, f'''
import uuid
from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Request
from sqlmodel import Session, func, select

from app.api.deps import CurrentUser, SessionDep, get_current_user, get_db, require_role
from app.models import Role, User, {e.cls}
from app.schemas.{e.snake} import {e.cls}Create, {e.cls}Public, {e.cls_plural}Public, {e.cls}Update
from app.schemas.common import Message
from app.services import {e.snake}_service
{body}''')
