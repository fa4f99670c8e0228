"""The project's `Role` enum, the user model's `role` field and the `require_role` dependency.

Shared by RBAC001 (a role enum on the user model) and RBAC002 (roles enforced by dependency).
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._workspace import Unfixable, Workspace
from cynic.source import FileKind

ROLE_ENUM = '''class Role(str, Enum):
    USER = "user"
    ADMIN = "admin"
'''
REQUIRE_ROLE = '''def require_role(role: Role) -> Callable[..., None]:
    """A route dependency that lets through users with `role`{superuser_doc}."""

    def check_role(current_user: {user_type}) -> None:
        if current_user.role != role{superuser_check}:
            raise HTTPException(status_code=403, detail="The user doesn't have enough privileges")

    return check_role
'''


def user_model(files: Workspace) -> tuple[str, cst.ClassDef]:
    """The class that declares the user's privileges (`is_superuser`, `is_admin`, `role`), or `User`."""
    for path in files.files(FileKind.PYTHON):
        for cls in py.load(files, path).nodes(cst.ClassDef):
            if {"is_superuser", "is_admin", "role"} & set(py.class_fields(cls)):
                return path, cls
    found = py.find_class(files, "User")
    if found is None:
        raise Unfixable("cannot find the user model to give it a role")
    return found


def role_enum(files: Workspace) -> str | None:
    """The module that defines `class Role(... Enum)`, if any."""
    for path in files.files(FileKind.PYTHON):
        if "class Role" in files.read(path):
            for statement in py.load(files, path).module.body:
                if isinstance(statement, cst.ClassDef) and statement.name.value == "Role" and any(
                        "Enum" in name for name in py.base_names(statement)):
                    return path
    return None


def ensure_role_field(files: Workspace) -> str:
    """Make sure `Role` exists and the user model has `role: Role = Role.USER`; the enum's module."""
    path, cls = user_model(files)
    enum_path = role_enum(files)
    if enum_path is None:
        _add_enum(files, path)
        enum_path = path
    module = py.load(files, path)
    cls = next(c for c in module.nodes(cst.ClassDef) if c.name.value == cls.name.value)
    fields = py.class_fields(cls)
    if "role" in fields:
        if py.annotation_text(fields["role"]) != "Role":  # type: ignore[arg-type]
            raise Unfixable(f"`{cls.name.value}.role` is not a `Role`: turn its values into `Role` members by hand")
        return enum_path
    anchor = next((f for f in ("is_superuser", "is_admin") if f in fields), None)
    edited = _with_field_after(cls, anchor, "role: Role = Role.USER\n")
    py.save(files, path, module.replace(cls, edited))
    py.import_name(files, path, enum_path, "Role")
    return enum_path


def _add_enum(files: Workspace, path: str) -> None:
    module = py.load(files, path).module
    first_class = next(i for i, s in enumerate(module.body) if isinstance(s, cst.ClassDef))
    blank = [line for line in module.body[first_class].leading_lines if line.comment is None]
    enum = cst.parse_statement(ROLE_ENUM).with_changes(leading_lines=blank)
    body = [*module.body[:first_class], enum, *module.body[first_class:]]
    py.save(files, path, py.with_import(module.with_changes(body=body), "enum", "Enum"))


def _with_field_after(cls: cst.ClassDef, anchor: str | None, code: str) -> cst.ClassDef:
    if anchor is None:
        return py.insert_in_class(cls, code)
    body = list(cls.body.body)
    index = next(i for i, s in enumerate(body) if isinstance(s, cst.SimpleStatementLine) and any(
        isinstance(x, cst.AnnAssign) and py.dotted(x.target) == anchor for x in s.body))
    body.insert(index + 1, cst.parse_statement(code))
    return cls.with_changes(body=cls.body.with_changes(body=body))


def ensure_require_role(files: Workspace, enum_path: str) -> str:
    """The module defining `require_role`, written into the deps module when the project has none."""
    existing = py.find_function(files, "require_role")
    if existing is not None:
        return existing
    deps = py.find_function(files, "get_current_user")
    if deps is None:
        raise Unfixable("no `get_current_user` dependency to build `require_role` on")
    module = py.load(files, deps).module
    user_type = "CurrentUser" if py.binds_name(module, "CurrentUser") else "Annotated[Any, Depends(get_current_user)]"
    has_superuser = "is_superuser" in py.class_fields(user_model(files)[1])
    code = REQUIRE_ROLE.format(
        user_type=user_type,
        superuser_doc=" (superusers too, while roles are rolled out)" if has_superuser else "",
        superuser_check=" and not current_user.is_superuser" if has_superuser else "",
    )
    body = [*module.body, cst.parse_statement(code).with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])]
    edited = module.with_changes(body=body)
    for source, name in (("collections.abc", "Callable"), ("fastapi", "HTTPException"), ("fastapi", "Depends")):
        edited = py.with_import(edited, source, name)
    if user_type.startswith("Annotated"):
        edited = py.with_import(py.with_import(edited, "typing", "Annotated"), "typing", "Any")
    py.save(files, deps, edited)
    py.import_name(files, deps, enum_path, "Role")
    return deps
