"""RBAC002: an inline role check in a handler becomes `Depends(require_role(Role.ADMIN))` on the route.

Shapes fixed: `if not current_user.is_superuser: raise ...`, `if current_user.is_admin is False`,
`if current_user.role != Role.ADMIN: raise ...` (or `!= "admin"`) in a route handler's body,
where the `if` does nothing but raise, and routes whose name or path says admin with no check at
all. The `if` is removed and the route decorator gets
`dependencies=[Depends(require_role(Role.<ROLE>))]` (added to an existing list). `require_role`
is written into the module that defines `get_current_user` unless the project has one, and the
`Role` enum and the user's `role` field are added as RBAC001 does. Checks mixed with other
conditions, and other routes that are admin-only by what they do, are left to a person.
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers import _roles
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    check = module.at_line(line, cst.If, lambda c: _required_role(c) is not None)
    route = module.at_line(line, cst.FunctionDef, lambda f: py.route_decorator(f) is not None)
    if check is not None and route is not None:
        if check not in route.body.body:  # type: ignore[operator]
            raise Unfixable(f"the role check at {finding.path}:{line} is nested: move it to the route's dependencies")
        _require(files, finding.path, route, _required_role(check), check)  # type: ignore[arg-type]
    elif route is not None and _is_admin_route(route):
        if "require_role(" not in module.code(py.route_decorator(route)):  # type: ignore[arg-type]
            _require(files, finding.path, route, "ADMIN", None)
    else:
        raise Unfixable(f"no inline `if not user.is_superuser: raise` / `if user.role != Role.X: raise` and no admin "
                        f"route at {finding.path}:{line}: add `dependencies=[Depends(require_role(Role.ADMIN))]` by hand")


def _is_admin_route(route: cst.FunctionDef) -> bool:
    call = py.route_decorator(route).decorator  # type: ignore[union-attr]
    path = call.args[0].value if isinstance(call, cst.Call) and call.args else None
    return "admin" in route.name.value.lower() or (isinstance(path, cst.SimpleString) and "admin" in str(path.evaluated_value))


def _require(files: Workspace, path: str, route: cst.FunctionDef, role: str, check: cst.If | None) -> None:
    """Put `Depends(require_role(Role.<role>))` on the route, and drop the inline `check` it replaces."""
    enum_path = _roles.ensure_role_field(files)
    deps_path = _roles.ensure_require_role(files, enum_path)
    module = py.load(files, path)
    route = next(f for f in module.nodes(cst.FunctionDef) if f.name.value == route.name.value
                 and py.route_decorator(f) is not None)
    kept = [s for s in route.body.body if check is None or not s.deep_equals(check)]
    edited = route.with_changes(body=route.body.with_changes(body=kept))
    edited = _with_dependency(edited, f"Depends(require_role(Role.{role}))")
    py.save(files, path, py.with_import(module.replace(route, edited), "fastapi", "Depends"))
    py.import_name(files, path, deps_path, "require_role")
    py.import_name(files, path, enum_path, "Role")


def _required_role(check: cst.If) -> str | None:
    """ADMIN for `if not user.is_superuser`; X for `if user.role != Role.X` — when the body only raises."""
    body = check.body.body if isinstance(check.body, cst.IndentedBlock) else []
    only_raises = check.orelse is None and len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine) and \
        isinstance(body[0].body[0], cst.Raise)
    if not only_raises:
        return None
    test = check.test
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        flag = py.last_name(test.expression)
        return "ADMIN" if flag in ("is_superuser", "is_admin") else None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.NotEqual):
        left, right = test.left, test.comparisons[0].comparator
        for attribute, value in ((left, right), (right, left)):
            if py.last_name(attribute) == "role":
                if isinstance(value, cst.SimpleString):
                    return str(value.evaluated_value).upper()
                name = py.dotted(value)
                if name and name.startswith("Role."):
                    return name.split(".", 1)[1]
    return None


def _with_dependency(function: cst.FunctionDef, dependency: str) -> cst.FunctionDef:
    decorator = py.route_decorator(function)
    call = decorator.decorator  # type: ignore[union-attr]
    assert isinstance(call, cst.Call)
    existing = py.keyword(call, "dependencies")
    if existing is not None and isinstance(existing.value, cst.List):
        elements = [*(e.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                      for e in existing.value.elements), cst.Element(cst.parse_expression(dependency))]
        new_call = call.deep_replace(existing.value, existing.value.with_changes(elements=elements))
    else:
        new_call = py.set_keyword(call, "dependencies", f"[{dependency}]")
    decorators = [d.with_changes(decorator=new_call) if d is decorator else d for d in function.decorators]
    return function.with_changes(decorators=decorators)
