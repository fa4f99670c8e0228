import uuid
from datetime import datetime, timezone
from typing import Literal

from pydantic import ConfigDict, EmailStr
from sqlmodel import Field, Relationship, SQLModel


# Shared properties
class UserBase(SQLModel):
    email: EmailStr = Field(unique=True, index=True, max_length=255)
    is_active: bool = True
    is_superuser: bool = False
    full_name: str | None = Field(default=None, max_length=255)


class UserRegister(SQLModel):
    email: EmailStr = Field(max_length=255)
    password: str = Field(min_length=8, max_length=128)
    full_name: str | None = Field(default=None, max_length=255)


class UserUpdateMe(SQLModel):
    full_name: str | None = Field(default=None, max_length=255)
    email: EmailStr | None = Field(default=None, max_length=255)


class UpdatePassword(SQLModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(min_length=8, max_length=128)
    new_password: str = Field(min_length=8, max_length=128)


# Database model, database table inferred from class name
class User(UserBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    hashed_password: str
    theme: str = "light"
    language: str = "en"
    notes: list["Note"] = Relationship(back_populates="owner", cascade_delete=True)


# Properties to return via API, id is always required
class UserPublic(UserBase):
    id: uuid.UUID
    theme: str
    language: str


class UsersPublic(SQLModel):
    data: list[UserPublic]
    count: int


class NoteBase(SQLModel):
    title: str = Field(min_length=1, max_length=255)
    body: str = Field(default="", max_length=20_000)
    tags: str = Field(default="", max_length=255)


class NoteCreate(NoteBase):
    pass


class NoteUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=255)
    body: str | None = Field(default=None, max_length=20_000)
    tags: str | None = Field(default=None, max_length=255)


class Note(NoteBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    body_html: str = ""
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))
    owner_id: uuid.UUID = Field(foreign_key="user.id", nullable=False, ondelete="CASCADE")
    owner: User | None = Relationship(back_populates="notes")


class NotePublic(NoteBase):
    id: uuid.UUID
    body_html: str
    owner_id: uuid.UUID
    created_at: datetime


class NotesPublic(SQLModel):
    data: list[NotePublic]
    count: int


# Generic message
class Message(SQLModel):
    message: str


# JSON payload containing access token
class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"


# Contents of JWT token
class TokenPayload(SQLModel):
    sub: str | None = None


# Request bodies of the settings page and of the import from the old app
class UserPreferences(SQLModel):
    model_config = ConfigDict(extra="forbid")

    theme: Literal["light", "dark"] | None = None
    language: str | None = Field(default=None, min_length=2, max_length=10)


class NotesImport(SQLModel):
    model_config = ConfigDict(extra="forbid")

    notes: list[NoteCreate] = Field(default_factory=list, max_length=1000)
