"""AUTH001: the token is no longer written to `localStorage`/`sessionStorage`.

Shapes fixed: a `localStorage.setItem(key, token)` (or `sessionStorage`, `window.` prefixed)
statement at the finding's line is deleted; with the token now in an HttpOnly cookie, every
`Authorization: \\`Bearer ${localStorage.getItem(key)}\\`` header property in the frontend that
read it is deleted too (the browser sends the cookie; requests need `credentials: "include"`,
see AUTH004). A write that is not a statement of its own (an arrow function's body, part of an
expression) is left to a person, as are readers that copy the token elsewhere.

A `const`/`let` in the same block that only the deleted write read (`const data = await
response.json()` before `localStorage.setItem("token", data.access_token)`) loses its binding
when that is trivially safe: a plain name, literal or member chain is deleted; an `await`, call
or `new` stays as a statement of its own (`await response.json();`), so whatever it did still
happens. Anything else is kept as it is.
"""

from __future__ import annotations

import tree_sitter

from cynic.agents.fixers import _tsjs as ts
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.source import FileKind

STORAGES = ("localStorage", "sessionStorage", "window.localStorage", "window.sessionStorage")


def fix(files: Workspace, finding: Finding) -> str | None:
    line = locate(files, finding)
    script = ts.load(files, finding.path)
    write = script.at_line(line, "call_expression", lambda c: _is_storage(script, c, "setItem"))
    if write is None:
        raise Unfixable(f"no `localStorage.setItem(...)`/`sessionStorage.setItem(...)` at {finding.path}:{line}: "
                        "a token stored through a wrapper needs a person to remove the wrapper")
    statement = write.parent
    if statement is None or statement.type != "expression_statement":
        raise Unfixable(f"the token write at {finding.path}:{line} is part of a larger expression: "
                        "remove it and keep the token in the HttpOnly cookie")
    key = ts.arguments(write)[0] if ts.arguments(write) else None
    files.write(finding.path, script.apply([_delete_statement(script, statement), *_unused_bindings(script, statement)]))
    if key is None:
        return None
    _remove_bearer_headers(files, script.text(key))
    readers = _remaining_readers(files, script.text(key))
    if not readers:
        return None
    return (f"nothing writes {script.text(key)} to web storage any more, yet it is still read at {', '.join(readers)} "
            "(a logged-in check?): ask the API instead, e.g. GET /users/me with credentials")


def _is_storage(script: ts.ScriptFile, call: tree_sitter.Node, method: str) -> bool:
    return ts.callee(script, call) in {f"{storage}.{method}" for storage in STORAGES}


def _delete_statement(script: ts.ScriptFile, statement: tree_sitter.Node) -> ts.Edit:
    start = ts.line_start(script.source, statement.start_byte)
    end = script.source.find(b"\n", statement.end_byte)
    alone = not script.source[start : statement.start_byte].strip() and not script.source[
        statement.end_byte : end if end >= 0 else len(script.source)].strip()
    return ts.whole_lines(script.source, statement) if alone else ts.Edit(statement.start_byte, statement.end_byte, "")


_SIDE_EFFECT_FREE = {"identifier", "member_expression", "string", "number", "true", "false", "null", "undefined"}
_KEPT_AS_STATEMENT = {"await_expression", "call_expression", "new_expression"}
_NAMES = {"identifier", "shorthand_property_identifier"}


def _unused_bindings(script: ts.ScriptFile, statement: tree_sitter.Node) -> list[ts.Edit]:
    """Edits dropping the bindings of the block that only `statement` (about to be deleted) read."""
    block = statement.parent
    if block is None:
        return []
    read_by_statement = {script.text(node) for node in ts.walk(statement) if node.type in _NAMES}
    edits = []
    for declaration in block.named_children:
        if declaration.start_byte >= statement.start_byte:
            break
        if declaration.type != "lexical_declaration" or len(declaration.named_children) != 1:
            continue
        declarator = declaration.named_children[0]
        name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if name is None or value is None or name.type != "identifier" or script.text(name) not in read_by_statement:
            continue
        if _read_elsewhere(script, block, script.text(name), skip=(name, statement)):
            continue
        if value.type in _SIDE_EFFECT_FREE:
            edits.append(_delete_statement(script, declaration))
        elif value.type in _KEPT_AS_STATEMENT and script.text(value)[:1].isidentifier():
            edits.append(ts.Edit(declaration.start_byte, value.start_byte, ""))
    return edits


def _read_elsewhere(script: ts.ScriptFile, block: tree_sitter.Node, name: str, skip: tuple[tree_sitter.Node, ...]) -> bool:
    """Whether `name` occurs in `block` outside the nodes of `skip`."""
    return any(node.type in _NAMES and script.text(node) == name
               and not any(other.start_byte <= node.start_byte < other.end_byte for other in skip)
               for node in ts.walk(block))


def _remove_bearer_headers(files: Workspace, key: str) -> None:
    """Delete `Authorization` header properties that read the removed token from storage."""
    for path in files.files(FileKind.SCRIPT):
        if "getItem" not in files.read(path):
            continue
        script = ts.load(files, path)
        readers = {f"{storage}.getItem({key})" for storage in STORAGES}
        headers = script.nodes("pair", lambda p: ts.property_key(script, p) == "Authorization"
                               and any(r in script.text(p).replace("'", '"') for r in _normalised(readers)))
        if headers:
            files.write(path, script.apply([ts.remove_from_list(script.source, h) for h in headers]))


def _remaining_readers(files: Workspace, key: str) -> list[str]:
    """`path:line` of every `getItem(key)` the frontend still calls, now that nothing writes it."""
    readers = _normalised({f"{storage}.getItem({key})" for storage in STORAGES})
    places = []
    for path in files.files(FileKind.SCRIPT):
        for number, text in enumerate(files.read(path).splitlines(), start=1):
            if any(reader in text.replace("'", '"') for reader in readers):
                places.append(f"{path}:{number}")
    return places


def _normalised(readers: set[str]) -> set[str]:
    return {r.replace("'", '"') for r in readers}
