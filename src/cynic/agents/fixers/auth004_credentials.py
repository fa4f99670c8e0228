"""AUTH004: frontend requests send the auth cookie: `credentials: "include"` / `withCredentials: true`.

Shapes fixed at the finding's line: `fetch(url)` gets `{ credentials: "include" }`, an object
literal init gets the property (an existing `credentials` value is replaced), any other init
becomes `{ ...init, credentials: "include" }`; `axios.create({...})`, `axios({...})` and
`axios.request({...})` get `withCredentials: true`; `axios.get(url)`-style calls on axios or an
instance get it in their config argument (`undefined` is passed as the body of a `post` that had
none). Calls built in other ways are left to a person.
"""

from __future__ import annotations

import tree_sitter

from cynic.agents.fixers import _tsjs as ts
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding

CONFIG_AT = {"get": 1, "delete": 1, "head": 1, "options": 1, "post": 2, "put": 2, "patch": 2}


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    script = ts.load(files, finding.path)
    call = script.at_line(line, "call_expression", lambda c: _kind(script, c) is not None)
    if call is None:
        raise Unfixable(f"no `fetch(...)` or axios call at {finding.path}:{line}")
    quote = ts.quote_of(script.source)
    kind = _kind(script, call)
    if kind == "fetch":
        edits = _option(script, call, 1, "credentials", f"{quote}include{quote}")
    elif kind in ("create", "request", "axios"):
        edits = _option(script, call, 0, "withCredentials", "true")
    else:
        edits = _option(script, call, CONFIG_AT[kind], "withCredentials", "true")  # type: ignore[index]
    if edits:
        files.write(finding.path, script.apply(edits))


def _kind(script: ts.ScriptFile, call: tree_sitter.Node) -> str | None:
    name = ts.callee(script, call)
    if name in ("fetch", "window.fetch", "globalThis.fetch"):
        return "fetch"
    if name == "axios":
        return "axios"
    method = name.rsplit(".", 1)[-1]
    if name in ("axios.create", "axios.request"):
        return method
    return method if "." in name and method in CONFIG_AT else None


def _option(script: ts.ScriptFile, call: tree_sitter.Node, index: int, key: str, value: str) -> list[ts.Edit]:
    """Edits giving the call's options argument at `index` the property `key: value`."""
    args = ts.arguments(call)
    if len(args) > index:
        options = args[index]
        if options.type == "object":
            return ts.with_property(script, options, key, value)
        spread = script.text(options)
        return [ts.Edit(options.start_byte, options.end_byte, f"{{ ...{spread}, {key}: {value} }}")]
    closing = call.child_by_field_name("arguments").end_byte - 1  # type: ignore[union-attr]
    missing = ["undefined"] * (index - len(args)) + [f"{{ {key}: {value} }}"]
    prefix = ", " if args else ""
    return [ts.Edit(closing, closing, prefix + ", ".join(missing))]
