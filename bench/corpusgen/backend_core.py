"""App-wide backend files: main, config, security, and the router and model aggregators."""

from __future__ import annotations

from .backend_auth import add_backend_auth
from .names import Entity
from .tree import BAD_VARIANT_RATE, Tree


def _main(tree: Tree, entities: list[Entity]) -> None:
    path = "backend/app/main.py"
    cors = tree.rng.choices(("settings", "wildcard", "literal", "getenv"), (6, 2, 1, 1))[0]
    limited = tree.rng.random() >= BAD_VARIANT_RATE
    origins = {
        "settings": "settings.all_cors_origins",
        "wildcard": '["*"]',
        "literal": '["http://localhost:5173", "https://app.example.com"]',
        "getenv": 'os.getenv("CORS_ORIGINS", "").split(",")',
    }[cors]
    if cors != "settings":
        tree.plant("CORS001" if cors == "wildcard" else "CORS002", path)
    if not limited:
        tree.plant("RATE001", path)
    limiter = (
        "from slowapi import Limiter, _rate_limit_exceeded_handler\n"
        "from slowapi.errors import RateLimitExceeded\n"
        "from slowapi.middleware import SlowAPIMiddleware\n"
        "from slowapi.util import get_remote_address\n"
        if limited else ""
    )
    wiring = (
        '\nlimiter = Limiter(key_func=get_remote_address, default_limits=["120/minute"])\n'
        "app.state.limiter = limiter\n"
        "app.add_exception_handler(RateLimitExceeded, _rate_limit_exceeded_handler)\n"
        "app.add_middleware(SlowAPIMiddleware)\n"
        if limited else ""
    )
    tree.add(path, f'''
import logging
import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
{limiter}
from app.api.main import api_router
from app.core.config import settings

logger = logging.getLogger(__name__)


def custom_generate_unique_id(route: APIRoute) -> str:
    return f"{{route.tags[0]}}-{{route.name}}"


app = FastAPI(
    title=settings.PROJECT_NAME,
    openapi_url=f"{{settings.API_V1_STR}}/openapi.json",
    generate_unique_id_function=custom_generate_unique_id,
)
{wiring}
app.add_middleware(
    CORSMiddleware,
    allow_origins={origins},
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)

app.include_router(api_router, prefix=settings.API_V1_STR)


@app.get("/health", include_in_schema=False)
def health() -> dict[str, str]:
    """Liveness probe for the orchestrator ({len(entities)} resources mounted)."""
    logger.debug("health check in %s", os.getpid())
    return {{"status": "ok"}}
''')


def _config(tree: Tree) -> bool:
    """Write the settings module; return True when the signing key is a hard-coded literal."""
    path = "backend/app/core/config.py"
    hard_coded = tree.rng.random() < BAD_VARIANT_RATE
    secret = 'SECRET_KEY: str = "3f9a1c2e8b7d4a6f0e5c1b2a9d8e7f6a"' if hard_coded else "SECRET_KEY: SecretStr"
    if hard_coded:
        tree.plant("SEC001", path)
    tree.add(path, f'''
from typing import Annotated, Any, Literal

from pydantic import AnyUrl, BeforeValidator, PostgresDsn, SecretStr, computed_field
from pydantic_core import MultiHostUrl
from pydantic_settings import BaseSettings, SettingsConfigDict


def parse_cors(v: Any) -> list[str] | str:
    if isinstance(v, str) and not v.startswith("["):
        return [i.strip() for i in v.split(",")]
    if isinstance(v, list | str):
        return v
    raise ValueError(v)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    API_V1_STR: str = "/api/v1"
    {secret}
    ACCESS_TOKEN_EXPIRE_MINUTES: int = 60 * 24
    FRONTEND_HOST: str = "http://localhost:5173"
    ENVIRONMENT: Literal["local", "staging", "production"] = "local"
    BACKEND_CORS_ORIGINS: Annotated[list[AnyUrl] | str, BeforeValidator(parse_cors)] = []
    PROJECT_NAME: str = "Acme Back Office"
    POSTGRES_SERVER: str
    POSTGRES_PORT: int = 5432
    POSTGRES_USER: str
    POSTGRES_PASSWORD: SecretStr
    POSTGRES_DB: str = ""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def all_cors_origins(self) -> list[str]:
        return [str(origin).rstrip("/") for origin in self.BACKEND_CORS_ORIGINS] + [self.FRONTEND_HOST]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def cookie_secure(self) -> bool:
        return self.ENVIRONMENT != "local"

    @computed_field  # type: ignore[prop-decorator]
    @property
    def SQLALCHEMY_DATABASE_URI(self) -> PostgresDsn:
        return MultiHostUrl.build(
            scheme="postgresql+psycopg",
            username=self.POSTGRES_USER,
            password=self.POSTGRES_PASSWORD.get_secret_value(),
            host=self.POSTGRES_SERVER,
            port=self.POSTGRES_PORT,
            path=self.POSTGRES_DB,
        )


settings = Settings()  # type: ignore
''')
    return hard_coded


def _security(tree: Tree, plain_key: bool) -> None:
    path = "backend/app/core/security.py"
    weak = tree.rng.random() < BAD_VARIANT_RATE
    if weak:
        tree.plant("AUTH005", path)
        hashing = '''import hashlib


def get_password_hash(password: str) -> str:
    return hashlib.sha256(password.encode()).hexdigest()


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return get_password_hash(plain_password) == hashed_password'''
    else:
        hashing = '''import bcrypt


def get_password_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def verify_password(plain_password: str, hashed_password: str) -> bool:
    return bcrypt.checkpw(plain_password.encode(), hashed_password.encode())'''
    secret = "settings.SECRET_KEY" if plain_key else "settings.SECRET_KEY.get_secret_value()"
    tree.add(path, f'''
from datetime import datetime, timedelta, timezone
from typing import Any

import jwt

from app.core.config import settings

{hashing}


ALGORITHM = "HS256"


def create_access_token(subject: str | Any, expires_delta: timedelta) -> str:
    expire = datetime.now(timezone.utc) + expires_delta
    to_encode = {{"exp": expire, "sub": str(subject)}}
    return jwt.encode(to_encode, {secret}, algorithm=ALGORITHM)
''')


def _aggregators(tree: Tree, entities: list[Entity]) -> None:
    imports = "\n".join(f"from app.api.routes import {e.plural}" for e in entities)
    includes = "\n".join(f"api_router.include_router({e.plural}.router)" for e in entities)
    tree.add("backend/app/api/main.py", f'''
from fastapi import APIRouter

from app.api.routes import login
{imports}

api_router = APIRouter()
api_router.include_router(login.router)
{includes}
''')
    models = "\n".join(f"from app.models.{e.snake} import {e.cls}" for e in entities)
    names = ",\n".join(f'    "{n}"' for n in sorted(["Role", "User", "UserCreate", "UserPublic"] + [e.cls for e in entities]))
    tree.add("backend/app/models/__init__.py", f'''
from app.models.user import Role, User, UserCreate, UserPublic
{models}

__all__ = [
{names},
]
''')
    tree.add("backend/app/schemas/common.py", '''
from pydantic import BaseModel


class Message(BaseModel):
    message: str
''')
    for pkg in ("app", "app/api", "app/api/routes", "app/core", "app/schemas", "app/services"):
        tree.add(f"backend/{pkg}/__init__.py", "")


def add_backend_core(tree: Tree, entities: list[Entity]) -> None:
    """Write the app-wide backend files, choosing corpus-wide compliant or violating variants."""
    _security(tree, plain_key=_config(tree))
    _main(tree, entities)
    add_backend_auth(tree)
    _aggregators(tree, entities)
