import uuid

import markdown
from sqlmodel import Session, select, text

from app.core.security import get_password_hash, verify_password
from app.models import Note, NoteCreate, NoteUpdate, User, UserRegister


def create_user(*, session: Session, user_create: UserRegister) -> User:
    db_obj = User.model_validate(
        user_create, update={"hashed_password": get_password_hash(user_create.password)}
    )
    session.add(db_obj)
    session.commit()
    session.refresh(db_obj)
    return db_obj


def get_user_by_email(*, session: Session, email: str) -> User | None:
    statement = select(User).where(User.email == email)
    return session.exec(statement).first()


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    db_user = get_user_by_email(session=session, email=email)
    if not db_user:
        return None
    if not verify_password(password, db_user.hashed_password):
        return None
    return db_user


def render_markdown(body: str) -> str:
    return markdown.markdown(body, extensions=["fenced_code", "tables"])


def create_note(*, session: Session, note_in: NoteCreate, owner_id: uuid.UUID) -> Note:
    db_note = Note.model_validate(
        note_in, update={"owner_id": owner_id, "body_html": render_markdown(note_in.body)}
    )
    session.add(db_note)
    session.commit()
    session.refresh(db_note)
    return db_note


def update_note(*, session: Session, db_note: Note, note_in: NoteUpdate) -> Note:
    update_data = note_in.model_dump(exclude_unset=True)
    if "body" in update_data:
        update_data["body_html"] = render_markdown(update_data["body"])
    db_note.sqlmodel_update(update_data)
    session.add(db_note)
    session.commit()
    session.refresh(db_note)
    return db_note


def count_notes_with_tag(*, session: Session, owner_id: uuid.UUID, tag: str) -> int:
    query = "SELECT COUNT(*) FROM note WHERE owner_id = '{}' AND tags LIKE '%{}%'".format(owner_id.hex, tag)
    return session.execute(text(query)).scalar_one()
