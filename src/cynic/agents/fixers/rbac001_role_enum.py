"""RBAC001: a `Role` enum (USER, ADMIN) and a `role: Role = Role.USER` field on the user model.

The enum is added before the first class of the module that defines the user model (unless the
project has one), and the field next to `is_superuser`/`is_admin`, which stay so that nothing
that reads them breaks. A table model gets a new column: the database needs a migration
(`alembic revision --autogenerate`), which is the project's business. A `role` field of another
type is left to a person.
"""

from __future__ import annotations

from cynic.agents.fixers import _roles
from cynic.agents.fixers._workspace import Workspace
from cynic.models import Finding


def fix(files: Workspace, finding: Finding) -> None:
    _roles.ensure_role_field(files)
