"""SQL001: SQL built from strings becomes SQL text with bound parameters.

Shapes fixed, where the string is an f-string, a `%` or `.format()` string or a `+` chain, either
passed directly or assigned to a name that is passed once, later in the same function:
- `text(<built>)` -> `text("... :name").bindparams(name=value)`;
- `<session or connection>.execute(<built>)` in a module that uses SQLAlchemy or SQLModel ->
  `.execute(text("... :name"), {"name": value})`;
- a DB-API cursor or connection `.execute(<built>)` -> `.execute("... ?", (value,))` for sqlite3 and
  `"... %s"` for psycopg, pymysql and MySQLdb.
A quoted literal holding values (`'%{q}%'`) becomes one parameter (`f"%{q}%"`). A value spliced
where SQL expects a name or keyword (`ORDER BY {column}`, `IN ({ids})`), a driver cynic cannot
tell, and every other shape are left to a person.
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._sql_template import Bound, CannotBind, bind, quoting, segments
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding

EXECUTE = frozenset({"execute", "executemany", "exec"})
DBAPI_PLACEHOLDERS = {"sqlite3": "?", "aiosqlite": "?", "psycopg": "%s", "psycopg2": "%s", "pymysql": "%s",
                      "MySQLdb": "%s", "mysql": "%s", "aiomysql": "%s"}


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    built = module.at_line(line, cst.BaseExpression, lambda n: _is_built(n) and not _is_built(module.parents.get(n)))
    built = built or _built_behind_name(module, line)
    if built is None:
        raise Unfixable(f"no SQL string built from values at {finding.path}:{line}")
    site, assignment = _site(module, built)
    placeholder = _placeholder(module, site)
    try:
        bound = bind(segments(built) or [], placeholder)
    except CannotBind as error:
        raise Unfixable(f"{error} ({finding.path}:{line})") from None
    quote = quoting(built)
    sql = cst.SimpleString(f"{quote}{bound.sql}{quote}")
    new_site = _bound_site(site, bound, placeholder, sql if assignment is None else None)
    replacements: dict[cst.CSTNode, cst.CSTNode] = {site: new_site}
    if assignment is not None:
        replacements[built] = sql
    edited = module.replace_all(replacements)
    if "text(" in module.code(new_site) and placeholder == ":{name}" and not _is_text(site):
        edited = py.with_import(edited, "sqlalchemy", "text")
    py.save(files, finding.path, edited)


def _built_behind_name(module: py.PyFile, line: int) -> cst.BaseExpression | None:
    """For `session.execute(text(query))` at `line`: the built string the function assigns to `query`."""
    def takes_name(call: cst.Call) -> bool:
        return _is_sql_call(call) and isinstance(call.args[0].value, cst.Name)

    call = module.at_line(line, cst.Call, takes_name)
    if call is None:
        return None
    name = call.args[0].value.value  # type: ignore[attr-defined]
    function = module.enclosing(call, cst.FunctionDef)
    values = [a.value for a in module.nodes(cst.Assign) if module.enclosing(a, cst.FunctionDef) is function
              and len(a.targets) == 1 and py.dotted(a.targets[0].target) == name]
    return values[0] if len(values) == 1 and _is_built(values[0]) else None


def _is_built(node: cst.CSTNode | None) -> bool:
    if not isinstance(node, cst.BaseExpression) or isinstance(node, cst.SimpleString):
        return False
    try:
        parts = segments(node)
    except CannotBind:
        return True
    return parts is not None and any(not isinstance(p, str) for p in parts)


def _site(module: py.PyFile, built: cst.BaseExpression) -> tuple[cst.Call, cst.Assign | None]:
    """The `text(...)`/`.execute(...)` call the string goes to, and the assignment between, if any."""
    parent = module.parents.get(module.parents.get(built))  # type: ignore[arg-type]
    if isinstance(parent, cst.Call) and parent.args and parent.args[0].value is built and _is_sql_call(parent):
        return parent, None
    assign = module.parents.get(built)
    if isinstance(assign, cst.Assign) and len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name):
        name = assign.targets[0].target.value
        function = module.enclosing(assign, cst.FunctionDef)
        uses = [c for c in module.nodes(cst.Call, _is_sql_call) if module.enclosing(c, cst.FunctionDef) is function
                and isinstance(c.args[0].value, cst.Name) and c.args[0].value.value == name]
        reads = [n for n in module.nodes(cst.Name, lambda n: n.value == name) if module.enclosing(n, cst.FunctionDef) is function]
        if len(uses) == 1 and len(reads) == 2:  # the assignment and the one use
            return uses[0], assign
    raise Unfixable("the SQL string does not go straight to `text()` or `execute()`, nor through one local name")


def _is_sql_call(call: cst.Call) -> bool:
    return bool(call.args) and (_is_text(call) or (isinstance(call.func, cst.Attribute) and call.func.attr.value in EXECUTE))


def _is_text(call: cst.Call) -> bool:
    return py.last_name(call.func) == "text"


def _placeholder(module: py.PyFile, site: cst.Call) -> str:
    if _is_text(site) or (isinstance(site.args[0].value, cst.Call) and _is_text(site.args[0].value)):
        return ":{name}"
    imported = _imported_modules(module.module)
    drivers = {DBAPI_PLACEHOLDERS[m] for m in imported if m in DBAPI_PLACEHOLDERS}
    if len(drivers) == 1:
        return drivers.pop()
    if imported & {"sqlalchemy", "sqlmodel"}:
        return ":{name}"
    raise Unfixable("cannot tell which database driver runs this `execute()`, so not which placeholder it takes")


def _imported_modules(module: cst.Module) -> set[str]:
    found: set[str] = set()
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, cst.Import):
                    found |= {(py.dotted(a.name) or "").split(".")[0] for a in small.names}
                elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                    found.add((py.dotted(small.module) or "").split(".")[0])
    return found


def _bound_site(site: cst.Call, bound: Bound, placeholder: str, sql: cst.SimpleString | None) -> cst.BaseExpression:
    """The call with the plain SQL (`sql`, or the name it is now assigned to) and its parameters."""
    first = sql if sql is not None else site.args[0].value
    if placeholder != ":{name}":
        values = ", ".join(code for _, code in bound.values) + ("," if len(bound.values) == 1 else "")
        args = [site.args[0].with_changes(value=first, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(cst.parse_expression(f"({values})"))]
        return site.with_changes(args=[*args, *site.args[1:]])
    keywords = ", ".join(f"{name}={code}" for name, code in bound.values)
    if _is_text(site):
        text = site.with_changes(args=[site.args[0].with_changes(value=first), *site.args[1:]])
        return cst.parse_expression(f"_.bindparams({keywords})").with_changes(
            func=cst.Attribute(value=text, attr=cst.Name("bindparams")))
    mapping = ", ".join(f'"{name}": {code}' for name, code in bound.values)
    text = cst.Call(func=cst.Name("text"), args=[cst.Arg(first)])
    args = [site.args[0].with_changes(value=text, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
            cst.Arg(cst.parse_expression(f"{{{mapping}}}"))]
    return site.with_changes(args=[*args, *site.args[1:]])
