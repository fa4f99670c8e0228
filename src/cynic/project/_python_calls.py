"""What a call made inside a function body tells the facts.

The call itself (callee and the names each argument reads), the ids a keyword filters by
(`owner_id=user.id`), the HTTP statuses it names, and the keyed database read its call chain
makes (`session.get(Item, id)`, `select(Item).where(Item.id == id)`, raw SQL).
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import msgspec

from cynic.parsing.pyast import dotted_name, last_name
from cynic.project._python_sql import SQL_EXECUTORS, sql_lookup
from cynic.project._python_values import SourceTexts, compare_side, status_code_of
from cynic.project.python_facts import Call, Compare, Lookup

_KEYED_QUERY_STEPS = frozenset({"where", "filter", "filter_by", "get", "get_or_404", "first_or_404", "values"})
_QUERY_ROOTS = frozenset({"select", "update", "delete", "query"})
_GET_ROOTS = frozenset({"get", "get_one"})
_MODEL_METHODS = frozenset(
    {"get", "get_or_none", "get_or_404", "filter", "filter_by", "find_one", "find", "get_by_id", "find_by_id", "objects"}
)
_COLLECTION_METHODS = frozenset({"find_one", "find_one_and_update", "find_one_and_delete", "delete_one", "update_one", "replace_one"})
_LOOKUP_ROOTS = _QUERY_ROOTS | _GET_ROOTS | _MODEL_METHODS | _COLLECTION_METHODS
_FILTER_KEYWORDS = frozenset({"owner", "user", "author", "created_by", "current_user"})
_RESPONSES = frozenset({"HTTPException", "JSONResponse", "Response"})
RefsOf = Callable[[ast.AST | None], tuple[str, ...]]  # `refs_of`, or `SourceTexts.refs_of`


class Body(msgspec.Struct):
    """What a function's body does, collected while its nodes are read (each default a new one)."""

    calls: list[Call] = []
    lookups: list[Lookup] = []
    compares: list[Compare] = []
    role_checks: list[tuple[int, str]] = []
    status_codes: set[int] = set()
    returns: list[str] = []


def record_call(body: Body, node: ast.Call, callee: str, last: str, chained: set[int], texts: SourceTexts) -> None:
    """Add a call to `body`. `last` is the callee's last name (`get` of `session.get`);
    `chained` holds the calls already read as inner links of a chain (`select(...)` of
    `select(...).where(...)`), which are not lookups of their own; this call's links are added.
    `texts` are the module's."""
    refs_of = texts.refs_of
    line = node.lineno
    kwargs = []
    for kw in node.keywords:
        name = kw.arg
        if name is None:  # `**options`
            continue
        kwargs.append((name, refs_of(kw.value)))
        if name.endswith("_id") or name in _FILTER_KEYWORDS:
            body.compares.append(Compare(line, name, compare_side(kw.value)))
        elif name == "status_code":
            code = status_code_of(kw.value)
            if code is not None:
                body.status_codes.add(code)
    body.calls.append(Call(callee, line, tuple(map(refs_of, node.args)), tuple(kwargs)))
    if last in _RESPONSES and node.args:
        code = status_code_of(node.args[0])
        if code is not None:
            body.status_codes.add(code)
    func = node.func
    # A lookup is rooted at a call of one of its roots, this one or the innermost of a chain.
    if id(node) not in chained and (last in _LOOKUP_ROOTS or (type(func) is ast.Attribute and type(func.value) is ast.Call)):  # type: ignore[attr-defined]
        lookup = _lookup(node, last, chained, refs_of)
        if lookup is not None:
            body.lookups.append(lookup)
    if last in SQL_EXECUTORS and len(node.args) >= 2:
        raw = sql_lookup(node)
        if raw is not None:
            body.lookups.append(raw[0])
            body.compares.extend(raw[1])


def _lookup(node: ast.Call, last: str, chained: set[int], refs_of: RefsOf) -> Lookup | None:
    """A keyed database access rooted at this call chain, if it is one (`last` as above); the
    names an expression reads are `refs_of` it."""
    chain = [node]
    while type(chain[-1].func) is ast.Attribute and type(chain[-1].func.value) is ast.Call:  # type: ignore[attr-defined]
        chain.append(chain[-1].func.value)  # type: ignore[attr-defined]
        chained.add(id(chain[-1]))
    root = chain[-1]
    root_name = last if root is node else last_name(root.func) or ""
    if root_name not in _LOOKUP_ROOTS:
        return None
    links = chain[:-1]
    receiver = dotted_name(root.func.value) if type(root.func) is ast.Attribute else None
    model_arg = dotted_name(root.args[0]) if root.args else None
    if root_name in _QUERY_ROOTS and _is_class_name(model_arg) and {last_name(call.func) for call in links} & _KEYED_QUERY_STEPS:
        keys = _chain_refs(links, refs_of)
        return Lookup(node.lineno, model_arg, tuple(keys)) if keys else None
    if root_name in _GET_ROOTS and receiver and len(root.args) >= 2 and _is_class_name(model_arg):
        return Lookup(node.lineno, model_arg, tuple(ref for arg in root.args[1:] for ref in refs_of(arg)))
    if receiver and _is_class_name(receiver.split(".")[0]) and root_name in _MODEL_METHODS:
        model = receiver.split(".")[0]
        keys = [*_call_refs(root, refs_of), *_chain_refs(links, refs_of)]
        return Lookup(node.lineno, model, tuple(keys)) if keys else None
    if receiver and root_name in _COLLECTION_METHODS and root.args:
        return Lookup(node.lineno, None, (*_call_refs(root, refs_of), *_chain_refs(links, refs_of)))
    return None


def _chain_refs(links: list[ast.Call], refs_of: RefsOf) -> list[str]:
    """The names the arguments of a chain's links read (`.where(Item.id == item_id)`)."""
    return [ref for call in links for ref in _call_refs(call, refs_of)]


def _is_class_name(name: str | None) -> bool:
    return bool(name) and name.split(".")[-1][:1].isupper()  # type: ignore[union-attr]


def _call_refs(call: ast.Call, refs_of: RefsOf) -> list[str]:
    return [ref for arg in [*call.args, *(kw.value for kw in call.keywords)] for ref in refs_of(arg)] + [
        f"{kw.arg}=" for kw in call.keywords if kw.arg
    ]
