from sqlmodel import SQLModel, create_engine

from app.core.config import settings

engine = create_engine(
    settings.SQLALCHEMY_DATABASE_URI,
    connect_args={"check_same_thread": False},
)


def init_db() -> None:
    # Tables are created here instead of with Alembic migrations for now
    from app import models  # noqa: F401

    SQLModel.metadata.create_all(engine)
