"""Per-entity backend data files: the SQLModel table and the Pydantic schemas."""

from __future__ import annotations

from .names import Entity, Field
from .tree import Tree


def _py_type(field: Field, style: int) -> str:
    """The annotation for `field`, in `X | None` or `Optional[X]` style."""
    if style == 1 and field.py_type.endswith(" | None"):
        return f"Optional[{field.py_type[:-7]}]"
    return field.py_type


def _column(field: Field, style: int) -> str:
    annotation = _py_type(field, style)
    if field.py_type == "str":
        return f"{field.name}: {annotation} = Field(min_length=1, max_length=255)"
    if field.py_type.endswith("None"):
        return f"{field.name}: {annotation} = Field(default=None, max_length=2000)"
    default = {"int": "0", "float": "0.0", "bool": "False"}[field.py_type]
    return f"{field.name}: {annotation} = {default}"


def add_model(tree: Tree, e: Entity) -> None:
    """Write `app/models/<entity>.py`: the table model owned by a user."""
    columns = "\n    ".join(_column(f, e.py_style) for f in e.fields)
    optional = "from typing import Optional\n\n" if e.py_style == 1 else ""
    tree.add(f"backend/app/models/{e.snake}.py", f'''
{optional}import uuid
from datetime import datetime, timezone

from sqlmodel import Field, SQLModel


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class {e.cls}(SQLModel, table=True):
    """A {e.snake.replace("_", " ")} row; every row belongs to exactly one user."""

    __tablename__ = "{e.plural}"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = Field(foreign_key="user.id", nullable=False, ondelete="CASCADE", index=True)
    {columns}
    created_at: datetime = Field(default_factory=_utcnow)
    updated_at: datetime = Field(default_factory=_utcnow)
''')


def _optional(field: Field, style: int) -> str:
    base = field.py_type.removesuffix(" | None")
    if style == 1:
        return f"{field.name}: Optional[{base}] = None"
    return f"{field.name}: {base} | None = None"


def add_schema(tree: Tree, e: Entity) -> None:
    """Write `app/schemas/<entity>.py`; a few percent allow unknown fields (VAL002)."""
    path = f"backend/app/schemas/{e.snake}.py"
    lax = tree.violate("VAL002", path)
    config = "" if lax else '    model_config = ConfigDict(extra="forbid")\n\n'
    fields = "\n    ".join(_column(f, e.py_style) for f in e.fields)
    updates = "\n    ".join(_optional(f, e.py_style) for f in e.fields)
    optional = "from typing import Optional\n" if e.py_style == 1 else ""
    tree.add(path, f'''
{optional}import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlmodel import Field


class {e.cls}Base(BaseModel):
{config}    {fields}


class {e.cls}Create({e.cls}Base):
    """Payload accepted when creating a {e.snake.replace("_", " ")}."""


class {e.cls}Update(BaseModel):
{config}    {updates}


class {e.cls}Public({e.cls}Base):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    owner_id: uuid.UUID
    created_at: datetime


class {e.cls_plural}Public(BaseModel):
    data: list[{e.cls}Public]
    count: int
''')
