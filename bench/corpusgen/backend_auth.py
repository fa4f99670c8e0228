"""Backend authentication files: deps, db, login routes, user model and crud."""

from __future__ import annotations

from .tree import BAD_VARIANT_RATE, Tree


def _deps(tree: Tree) -> None:
    tree.add("backend/app/api/deps.py", '''
from collections.abc import Callable, Generator
from typing import Annotated

import jwt
from fastapi import Cookie, Depends, HTTPException, status
from jwt.exceptions import InvalidTokenError
from sqlmodel import Session

from app.core import security
from app.core.config import settings
from app.core.db import engine
from app.models import Role, User


def get_db() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_current_user(session: SessionDep, access_token: Annotated[str | None, Cookie()] = None) -> User:
    if access_token is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Not authenticated")
    try:
        payload = jwt.decode(access_token, settings.SECRET_KEY, algorithms=[security.ALGORITHM])
    except InvalidTokenError:
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Could not validate credentials")
    user = session.get(User, payload.get("sub"))
    if not user or not user.is_active:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="User not found")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_role(*roles: Role) -> Callable[[User], User]:
    def checker(current_user: CurrentUser) -> User:
        if current_user.role not in roles:
            raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Insufficient role")
        return current_user

    return checker


AdminUser = Annotated[User, Depends(require_role(Role.ADMIN))]
''')
    tree.add("backend/app/core/db.py", '''
from sqlmodel import Session, create_engine, select

from app.core.config import settings
from app.models import User

engine = create_engine(str(settings.SQLALCHEMY_DATABASE_URI), pool_pre_ping=True)


def init_db(session: Session) -> None:
    user = session.exec(select(User).limit(1)).first()
    if user is None:
        return
''')


def _login(tree: Tree) -> None:
    path = "backend/app/api/routes/login.py"
    body_token = tree.rng.random() < BAD_VARIANT_RATE
    if body_token:
        tree.plant("AUTH002", path)
        issue = '''    return {"access_token": token, "token_type": "bearer"}'''
    else:
        issue = '''    response.set_cookie(
        key="access_token",
        value=token,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
        max_age=settings.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
    )
    return {"message": "logged in"}'''
    tree.add(path, f'''
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Response
from fastapi.security import OAuth2PasswordRequestForm
from fastapi import Depends

from app import crud
from app.api.deps import CurrentUser, SessionDep
from app.core import security
from app.core.config import settings
from app.models import UserPublic

router = APIRouter(tags=["login"])


@router.post("/login/access-token")
def login_access_token(
    session: SessionDep,
    response: Response,
    form_data: Annotated[OAuth2PasswordRequestForm, Depends()],
) -> dict[str, str]:
    """OAuth2 compatible token login, get an access token for future requests."""
    user = crud.authenticate(session=session, email=form_data.username, password=form_data.password)
    if not user:
        raise HTTPException(status_code=400, detail="Incorrect email or password")
    if not user.is_active:
        raise HTTPException(status_code=400, detail="Inactive user")
    expires = timedelta(minutes=settings.ACCESS_TOKEN_EXPIRE_MINUTES)
    token = security.create_access_token(user.id, expires_delta=expires)
{issue}


@router.post("/logout")
def logout(response: Response) -> dict[str, str]:
    response.delete_cookie("access_token")
    return {{"message": "logged out"}}


@router.get("/me", response_model=UserPublic)
def read_me(current_user: CurrentUser) -> UserPublic:
    return UserPublic.model_validate(current_user)
''')


def _crud(tree: Tree) -> None:
    tree.add("backend/app/crud.py", '''
import uuid

from sqlmodel import Session, select

from app.core.security import get_password_hash, verify_password
from app.models import User, UserCreate


def create_user(*, session: Session, user_create: UserCreate) -> User:
    db_obj = User.model_validate(
        user_create, update={"hashed_password": get_password_hash(user_create.password)}
    )
    session.add(db_obj)
    session.commit()
    session.refresh(db_obj)
    return db_obj


def get_user_by_email(*, session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email)).first()


def get_user(*, session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    db_user = get_user_by_email(session=session, email=email)
    if not db_user:
        return None
    if not verify_password(password, db_user.hashed_password):
        return None
    return db_user
''')


def _users_model(tree: Tree) -> None:
    tree.add("backend/app/models/user.py", '''
import uuid
from enum import Enum

from pydantic import ConfigDict, EmailStr
from sqlmodel import Field, SQLModel


class Role(str, Enum):
    USER = "user"
    ADMIN = "admin"


class UserBase(SQLModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(unique=True, index=True, max_length=255)
    is_active: bool = True
    role: Role = Role.USER
    full_name: str | None = Field(default=None, max_length=255)


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=40)


class UserPublic(UserBase):
    id: uuid.UUID


class User(UserBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    hashed_password: str
''')


def add_backend_auth(tree: Tree) -> None:
    """Write the deps, login route, user model and crud modules."""
    _deps(tree)
    _login(tree)
    _crud(tree)
    _users_model(tree)
