"""`set_cookie(...)` calls read once for the cookie rules: which cookie, which flags, how sure.

`response.set_cookie(key, value, httponly=..., secure=..., samesite=...)` is Starlette's and
FastAPI's API; the flags may also arrive through `**cookie_kwargs` built from a dict literal in
the same file, which is resolved when it is that simple.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import NamedTuple

from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence
from cynic.parsing.pyast import argument, const_str, const_value, identifiers, nodes_of

_AUTH_WORDS = lazy_compile(r"token|session|jwt|auth|access|refresh|bearer|credential|(?:^|[^a-z])sid(?:$|[^a-z])", re.I)
MISSING = object()


class CookieCall(NamedTuple):
    """One `set_cookie` call with its keyword flags, spreads resolved where possible."""

    call: ast.Call
    flags: dict[str, ast.expr]
    unresolved_spread: bool

    def flag(self, name: str) -> object:
        """The literal value of a flag, `MISSING` when absent, `...` when not a literal."""
        if name not in self.flags:
            return ... if self.unresolved_spread else MISSING
        return const_value(self.flags[name])

    def auth_confidence(self) -> Confidence | None:
        """HIGH when the cookie's name or value says auth, LOW when unknown, None for e.g. `theme`."""
        key = argument(self.call, 0, "key")
        value = argument(self.call, 1, "value")
        key_text = const_str(key)
        if key_text is not None and _AUTH_WORDS.search(key_text):
            return Confidence.HIGH
        if any(_AUTH_WORDS.search(word) for word in (*identifiers(key), *identifiers(value))):
            return Confidence.HIGH
        if key_text is not None:
            return None
        return Confidence.LOW


def cookie_calls(tree: ast.Module) -> Iterator[CookieCall]:
    """Every `<response>.set_cookie(...)` in the file, read from the module's node index."""
    calls = [node for node in nodes_of(tree, ast.Call) if isinstance(node.func, ast.Attribute) and node.func.attr == "set_cookie"]  # type: ignore[attr-defined]
    spreads: dict[str, dict[str, ast.expr]] = {}
    for node in nodes_of(tree, ast.Assign, ast.AnnAssign) if calls else ():
        spreads.update(_dict_literal(node))  # type: ignore[arg-type]
    for node in calls:
        flags: dict[str, ast.expr] = {}
        unresolved = False
        for kw in node.keywords:
            if kw.arg is not None:
                flags[kw.arg] = kw.value
            elif isinstance(kw.value, ast.Name) and kw.value.id in spreads:
                flags.update({k: v for k, v in spreads[kw.value.id].items() if k not in flags})
            else:
                unresolved = True
        # positional flags follow Starlette's order: max_age, expires, path, domain, secure, httponly, samesite
        flags.update(zip(("max_age", "expires", "path", "domain", "secure", "httponly", "samesite"), node.args[2:]))
        yield CookieCall(node, flags, unresolved)


def _dict_literal(node: ast.Assign | ast.AnnAssign) -> dict[str, dict[str, ast.expr]]:
    """`name = {"httponly": True, ...}` or `name = dict(httponly=True, ...)` as {name: flags}."""
    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
    value = node.value
    if isinstance(value, ast.Dict) and all(const_str(k) is not None for k in value.keys):
        entries = {const_str(k) or "": v for k, v in zip(value.keys, value.values)}
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and not value.args:
        entries = {kw.arg: kw.value for kw in value.keywords if kw.arg}
    else:
        return {}
    return {target.id: entries for target in targets if isinstance(target, ast.Name)}
