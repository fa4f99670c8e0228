"""IDOR001: a row looked up by id in a protected route is checked against the current user.

Shapes fixed: `item = session.get(Model, id)` or `item = session.exec(select(Model).where(...)).first()`
(`.one_or_none()`, `.scalar_one_or_none()`, `.scalars().first()`) in a route handler that has a
current-user parameter (`current_user: CurrentUser`, `user = Depends(get_current_user)`), where
`Model` has an `owner_id` or `user_id` column. Right after the lookup, or after the route's own
`if not item: raise ...`, it inserts `if item is None or item.owner_id != current_user.id: raise
HTTPException(status_code=404, detail="Not found")`. The finding may name the lookup's line or
the route (its decorator or `def` line), in which case the handler's one lookup is checked. A
lookup in a helper or a service, a handler with several lookups, a model with no owner column
and a route with no current user are left to a person.
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding

OWNER_COLUMNS = ("owner_id", "user_id")
USER_ANNOTATIONS = ("CurrentUser", "User")
FIRST_ROW = frozenset({"first", "one_or_none", "scalar_one_or_none", "one"})


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    assign = module.at_line(line, cst.Assign, _is_lookup) or _only_lookup_of_route(module, line)
    if assign is None or not isinstance(assign.targets[0].target, cst.Name):
        raise Unfixable(f"no `row = session.get(Model, id)`-style lookup at {finding.path}:{line}, nor exactly one in "
                        "the route there: a lookup in a helper or service needs a person to filter it by owner")
    function = module.enclosing(assign, cst.FunctionDef)
    user = _current_user(function) if function is not None else None
    if function is None or py.route_decorator(function) is None or user is None:
        raise Unfixable(f"the lookup at {finding.path}:{line} is not in a route handler with a current user")
    model = _looked_up_model(assign.value)
    owner = _owner_column(files, model)  # type: ignore[arg-type]
    row = assign.targets[0].target.value
    if f"{row}.{owner} != {user}.id" in module.code(function) or f"{row}.{owner} == {user}.id" in module.code(function):
        return
    statement = module.statement_of(assign)
    block = module.parents[statement]
    body = list(block.body)  # type: ignore[attr-defined]
    index = body.index(statement) + 1
    missing = f"{row} is None or "
    if index < len(body) and _is_not_found_check(body[index], row):
        index, missing = index + 1, ""
    body.insert(index, cst.parse_statement(f"if {missing}{row}.{owner} != {user}.id:\n"
                                           f'    raise HTTPException(status_code=404, detail="Not found")\n'))
    py.save(files, finding.path, py.with_import(module.replace(block, block.with_changes(body=body)), "fastapi", "HTTPException"))


def _is_lookup(assign: cst.Assign) -> bool:
    return _looked_up_model(assign.value) is not None


def _only_lookup_of_route(module: py.PyFile, line: int) -> cst.Assign | None:
    """The lookup of the route handler at `line` (a finding anchored at the route), when it has exactly one."""
    handler = module.at_line(line, cst.FunctionDef, lambda f: py.route_decorator(f) is not None)
    if handler is None:
        return None
    lookups = [a for a in module.nodes(cst.Assign, _is_lookup) if module.enclosing(a, cst.FunctionDef) is handler]
    return lookups[0] if len(lookups) == 1 else None


def _looked_up_model(value: cst.BaseExpression) -> str | None:
    """`Item` for `session.get(Item, id)` and `session.exec(select(Item).where(...)).first()`."""
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
        if value.func.attr.value == "get" and len(value.args) >= 2:
            return py.last_name(value.args[0].value)
        if value.func.attr.value in FIRST_ROW or value.func.attr.value == "first":
            return _selected_model(value.func.value)
    return None


def _selected_model(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Call):
        if py.last_name(node.func) == "select" and len(node.args) == 1:
            return py.last_name(node.args[0].value)
        if isinstance(node.func, cst.Attribute):
            inner = node.func.value
            node = node.args[0].value if node.func.attr.value in ("exec", "execute", "scalars") and node.args else inner
        else:
            return None
    return None


def _current_user(function: cst.FunctionDef) -> str | None:
    for param in (*function.params.params, *function.params.kwonly_params):
        annotation = py.annotation_text(param)
        default = cst.Module([]).code_for_node(param.default) if param.default else ""
        if annotation in USER_ANNOTATIONS or "get_current" in annotation or "get_current" in default:
            return param.name.value
    return None


def _owner_column(files: Workspace, model: str) -> str:
    found = py.find_class(files, model)
    if found is None:
        raise Unfixable(f"cannot find the model `{model}` to see which column holds its owner")
    fields = py.class_fields(found[1])
    owner = next((column for column in OWNER_COLUMNS if column in fields), None)
    if owner is None:
        raise Unfixable(f"`{model}` has no `owner_id`/`user_id` column: ownership needs a person to model")
    return owner


def _is_not_found_check(statement: cst.BaseStatement, row: str) -> bool:
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return False
    test = cst.Module([]).code_for_node(statement.test)
    return test in (f"not {row}", f"{row} is None")
