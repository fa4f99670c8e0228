from fastapi import APIRouter
from sqlmodel import func, select, text

from app.api.deps import CurrentUser, SessionDep
from app.models import Note, User

router = APIRouter(prefix="/utils", tags=["utils"])


@router.get("/health-check/")
def health_check(session: SessionDep) -> bool:
    session.execute(text("SELECT 1"))
    return True


@router.get("/admin/stats")
def admin_stats(session: SessionDep, current_user: CurrentUser) -> dict[str, int]:
    users = session.exec(select(func.count()).select_from(User)).one()
    notes = session.exec(select(func.count()).select_from(Note)).one()
    return {"users": users, "notes": notes}
