"""SQL001: SQL text built from strings and handed to the database."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.models import Severity
from cynic.parsing.pyast import argument, call_name, functions, nodes_of, scope_nodes
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._sqlflow import BuildableShapes, StringScope
from cynic.source import FileKind, SourceFile

_SQL_CONSTRUCTORS = frozenset({"text", "literal_column"})
_SQLALCHEMY_ALIASES = frozenset({"sa", "sqlalchemy", "sql", "expression", "sqlalchemy.sql", "sqlmodel", "sqlalchemy.sql.expression"})
_RAW_EXECUTORS = frozenset({"exec_driver_sql", "executescript"})
_EXECUTORS = frozenset(
    {"execute", "executemany", "exec", "fetch_all", "fetch_one", "fetch_val", "iterate", "fetch", "fetchrow",
     "fetchval", "read_sql", "read_sql_query", "mogrify"}
)
_SENDS_SQL = _RAW_EXECUTORS | _EXECUTORS
_SINK_METHODS = _SQL_CONSTRUCTORS | _SENDS_SQL
_MENTIONS = ("exec", "text(", "literal_column", "fetch", "iterate", "read_sql", "mogrify")  # cheap text filter: a sink's name
_QUERY_KEYWORDS = ("query", "statement", "sql", "operation", "stmt")
_LOOKS_LIKE_SQL = lazy_compile(
    r"\b(?:select\b[\s\S]*\bfrom|insert\s+into|update\b[\s\S]*\bset|delete\s+from|where|order\s+by|group\s+by"
    r"|create\s+(?:table|index|view)|drop\s+(?:table|index|view)|alter\s+table|truncate|pragma|values)\b",
    re.I,
)


class RawSqlString(FileRule):
    """SQL text built from strings: f-strings, `%`, `.format()` or `+` reaching the database.

    ## What it does
    Flags `text()`, `literal_column()`, `exec_driver_sql()`, and `execute()` / `exec()` /
    `executemany()` / `fetch_all()` on sessions, connections and DB-API cursors when the SQL they
    receive was built by splicing values into a string: an f-string with fields, `%` or
    `.format()` formatting, or `+` concatenation. The string is followed through assignments and
    `+=` earlier in the same function, and through a helper in the same module that returns such
    a string. The finding is reported on the line of the call that hands the SQL to the database
    (the outermost of `session.execute(text(...))`), or of `text()` when the text object is
    built on its own.

    ## Why is this bad?
    A value spliced into SQL text is parsed as SQL. Any caller who controls it can read or
    change other users' rows, drop tables, or bypass a login (CWE-89). Bound parameters send
    the value separately from the statement, so it can never change the statement's meaning.

    ## Example
    ```python
    from sqlalchemy import text

    def find_user(session, email: str):
        return session.execute(text(f"SELECT * FROM users WHERE email = '{email}'")).first()
    ```

    ## Use instead
    ```python
    from sqlalchemy import select, text

    def find_user(session, email: str):
        return session.execute(text("SELECT * FROM users WHERE email = :email"), {"email": email}).first()

    def find_user_orm(session, email: str):
        return session.scalars(select(User).where(User.email == email)).first()
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/89.html
    - https://docs.sqlalchemy.org/en/20/core/sqlelement.html#sqlalchemy.sql.expression.text
    - https://owasp.org/www-community/attacks/SQL_Injection
    """

    code = "SQL001"
    name = "raw-sql-string"
    severity = Severity.CRITICAL
    cwe = (89,)
    fix = "Use the ORM (`select(Model).where(Model.col == value)`) or bound parameters (`text('... = :v')` with a params dict); never splice values into SQL text."
    kinds = frozenset({FileKind.PYTHON})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if not any(word in source.text for word in _MENTIONS):
            return
        tree = source.tree
        if not _may_receive_built_sql(tree):
            return
        module = StringScope()
        bodies = [(owner, _flow_nodes(owner)) for owner in (tree, *functions(tree))]  # listed once, read twice
        for _ in _track(bodies[0][1], module):  # module-level constants, known to every function
            pass
        for function, nodes in bodies[1:]:  # first pass: same-module helpers that return built SQL text
            scope = module.child()
            for node in _track(nodes, scope):
                if isinstance(node, ast.Return) and (found := scope.fragments(node.value)) and found.built:
                    module.helpers[function.name] = found.text
        for owner, nodes in bodies:
            scope = StringScope(helpers=module.helpers) if owner is tree else module.child()
            handled: set[int] = set()
            for node in _track(nodes, scope):
                if isinstance(node, ast.Call) and id(node) not in handled and self._is_raw_sql(node, scope, handled):
                    yield self.hit(source.path, node.lineno, "SQL text is built by splicing values into a string and sent to the database: an injection point.", end_line=node.end_lineno)

    def _is_raw_sql(self, call: ast.Call, scope: StringScope, handled: set[int]) -> bool:
        sink = _sql_sink(call)
        if sink is None:
            return False
        method, query = sink
        if method in _SQL_CONSTRUCTORS:
            return _built(query, scope)
        if isinstance(query, ast.Call) and _is_sql_constructor(query) and _built(argument(query, 0, "text"), scope):
            handled.add(id(query))
            return True
        found = scope.fragments(query)
        return bool(found and found.built and (method in _RAW_EXECUTORS or _LOOKS_LIKE_SQL.search(found.text)))


def _sql_sink(call: ast.Call) -> tuple[str, ast.expr | None] | None:
    """(method, the SQL it is given) for `text()`/`literal_column()` and executors on a receiver, else None."""
    func = call.func
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if last not in _SINK_METHODS:  # the cheap test first: the sink's own name ends the callee
        return None
    base, _, method = (call_name(call) or "").rpartition(".")
    constructor = method in _SQL_CONSTRUCTORS and (not base or base in _SQLALCHEMY_ALIASES)
    if not constructor and not (base and method in _SENDS_SQL):
        return None
    query = argument(call, 0, "sql") or next((kw.value for kw in call.keywords if kw.arg in _QUERY_KEYWORDS), None)
    return method, query


def _may_receive_built_sql(tree: ast.Module) -> bool:
    """Whether some sink of the module is handed an expression that could be a built string.

    Checked on the module's call index before any flow is tracked: a sink whose SQL is a literal,
    an ORM statement (`select(...).where(...)`) or a name never bound to a built string cannot
    fire, and that is nearly every sink in a code base.
    """
    shapes = BuildableShapes(tree)
    if not shapes.any_in_module():
        return False
    for call in nodes_of(tree, ast.Call):
        sink = _sql_sink(call)  # type: ignore[arg-type]
        if sink is None:
            continue
        method, query = sink
        if shapes.may_build(query):
            return True
        if method not in _SQL_CONSTRUCTORS and isinstance(query, ast.Call) and _is_sql_constructor(query) and shapes.may_build(argument(query, 0, "text")):
            return True
    return False


def _is_sql_constructor(call: ast.Call) -> bool:
    base, _, method = (call_name(call) or "").rpartition(".")
    return method in _SQL_CONSTRUCTORS and (not base or base in _SQLALCHEMY_ALIASES)


def _built(node: ast.AST | None, scope: StringScope) -> bool:
    found = scope.fragments(node)
    return bool(found and found.built)


_FLOW_NODES = (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.Return, ast.Call)


def _flow_nodes(scope: ast.AST) -> list[ast.AST]:
    """The scope's nodes that `_track` records or the passes read (assignments, returns, calls), in order."""
    return [node for node in scope_nodes(scope) if isinstance(node, _FLOW_NODES)]


def _track(nodes: list[ast.AST], scope: StringScope) -> Iterator[ast.AST]:
    """A scope's nodes (from `_flow_nodes`) in order, recording string assignments into `scope` as they pass."""
    for node in nodes:
        yield node
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            scope.assign(node.targets[0].id, node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            scope.assign(node.target.id, node.value)
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) and isinstance(node.target, ast.Name):
            scope.append(node.target.id, node.value)
        elif isinstance(node, ast.NamedExpr):
            scope.assign(node.target.id, node.value)
