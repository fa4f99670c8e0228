"""Keyed raw-SQL reads and writes, read as lookups for the ownership rule.

`cur.execute("SELECT ... FROM invoices WHERE id = %s", (invoice_id,))` loads a row by an id just
as `session.get(Invoice, invoice_id)` does. A literal SQL text (also inside `text(...)` or
`sql.SQL(...)`) that selects, updates or deletes with a `WHERE` is a lookup keyed by the names
its bound parameters read; an owner column it filters on (`AND owner_id = %s`) is recorded as an
equality between that column and the value bound to its placeholder, so the ownership rule
judges it like `Item.owner_id == user.id`.
"""

from __future__ import annotations

import ast
import re

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.pyast import const_str, last_name
from cynic.project._python_values import compare_side, refs_of
from cynic.project.python_facts import Compare, Lookup

SQL_EXECUTORS = frozenset(
    {"execute", "executemany", "exec_driver_sql", "fetch", "fetchrow", "fetchval", "fetch_one", "fetch_all", "fetch_val"}
)
_SQL_WRAPPERS = frozenset({"text", "SQL"})
_KEYED_SQL = lazy_compile(r"^\s*(?:select|update|delete)\b.*\bwhere\b", re.I | re.S)
_PLACEHOLDER = lazy_compile(r"%s|\?|\$(\d+)|:(\w+)|%\((\w+)\)s")
_OWNER_FILTER = lazy_compile(
    r"\b(owner_id|user_id|author_id|created_by|created_by_id|creator_id)\s*=\s*(%s|\?|\$\d+|:\w+|%\(\w+\)s)", re.I
)


def sql_lookup(call: ast.Call) -> tuple[Lookup, list[Compare]] | None:
    """The lookup a `execute(<keyed SQL>, params)` call makes, and the owner filters it applies."""
    if last_name(call.func) not in SQL_EXECUTORS or len(call.args) < 2:
        return None
    sql = _sql_text(call.args[0])
    if sql is None or not _KEYED_SQL.search(sql):
        return None
    params = call.args[1] if len(call.args) == 2 else ast.Tuple(elts=list(call.args[1:]), ctx=ast.Load())
    keys = tuple(ref for ref in refs_of(params) if ref)
    compares = [Compare(call.lineno, match[1], _bound_name(sql, match, params)) for match in _OWNER_FILTER.finditer(sql)]
    return Lookup(call.lineno, None, keys), [c for c in compares if c.right is not None]


def _sql_text(node: ast.expr) -> str | None:
    """A literal SQL string, also wrapped in `text("...")` or psycopg's `sql.SQL("...")`."""
    if type(node) is ast.Call and last_name(node.func) in _SQL_WRAPPERS and node.args:
        return const_str(node.args[0])
    return const_str(node)


def _bound_name(sql: str, match: re.Match[str], params: ast.expr) -> str | None:
    """The name read by the value bound to the placeholder an owner filter uses."""
    placeholder = _PLACEHOLDER.fullmatch(match[2])
    value: ast.expr | None = None
    if placeholder is None:
        return None
    named = placeholder[2] or placeholder[3]
    if named and type(params) is ast.Dict:
        value = next((v for k, v in zip(params.keys, params.values, strict=True) if const_str(k) == named), None)
    elif type(params) in (ast.Tuple, ast.List):
        index = int(placeholder[1]) - 1 if placeholder[1] else len(_PLACEHOLDER.findall(sql, 0, match.start(2)))
        value = params.elts[index] if 0 <= index < len(params.elts) else None
    if value is None:
        return None
    return compare_side(value) or next(iter(refs_of(value)), None)
