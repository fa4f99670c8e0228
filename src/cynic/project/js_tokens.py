"""Does a name or an expression carry an auth token? Shared by the storage facts.

Names are split into words (`accessToken`, `ACCESS_TOKEN`, `auth-token`, `res.data.jwt`); an
expression is judged by its leaf names (the last property of a member chain, the keys of an
object literal, the substitutions of a template), so `tokenResponse.expires_at` is not a token
and `JSON.stringify({ user, token })` is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.tsjs import (
    Node, ScriptTree, arguments, callee_name, dotted_name, string_value, template_head, text, unwrap,
)

_WORD = lazy_compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
TOKEN_WORDS = frozenset({"token", "tokens", "jwt", "bearer", "jwttoken", "accesstoken", "idtoken"})
NOT_A_TOKEN = frozenset(
    {"expiry", "expires", "expiration", "exp", "expire", "type", "csrf", "xsrf", "ttl", "timestamp", "count", "has", "is", "valid", "fcm", "push", "device", "notification", "theme"}
)
SESSIONISH_WORDS = frozenset({"auth", "session", "credentials", "sid"})
# A request that logs in: `api.post("/auth/login")`, `fetch("/api/v1/login/access-token")`, `LoginService.loginAccessToken(...)`.
_LOGIN_REQUEST = lazy_compile(r"log_?in|sign_?in|sign-in|authenticate|access[-_]?token|oauth/token|/token\b", re.I)
_GENERIC_PROPERTIES = frozenset({"access", "refresh", "id", "value", "current", "data", "result", "payload"})


def words(name: str) -> list[str]:
    """`accessToken` -> ["access", "token"]; `ACCESS_TOKEN` -> ["access", "token"]."""
    return [w.lower() for w in _WORD.findall(name)]


def names_a_token(name: str) -> bool:
    """True for `token`, `access_token`, `jwt`, `authToken`; false for `tokenExpiry`, `csrfToken`."""
    if not _spells_one_of(name, TOKEN_WORDS):
        return False
    found = set(words(name))
    return bool(found & TOKEN_WORDS) and not found & NOT_A_TOKEN


def _spells_one_of(name: str, wanted: frozenset[str]) -> bool:
    """Does the lowered name hold one of the `wanted` words? A name's words are runs of its
    letters, lowered, so it must, to have one of them among its `words`: a screen before splitting."""
    lowered = name.lower()
    return any(word in lowered for word in wanted)


def spells_a_token_word(tree: ScriptTree) -> bool:
    """Does the file spell `token`, `jwt` or `bearer`, in any case? Every name `names_a_token`
    accepts does (its words are runs of ASCII letters), and every name `leaf_names` yields is
    spelt in the file: without one, no value in it is judged a token."""
    lowered = tree.lowered_source()
    # `find`, not `in`: `bytes in bytes` first tries the word as an integer and pays for the TypeError
    return any(lowered.find(word) != -1 for word in (b"token", b"jwt", b"bearer"))


def names_a_session(name: str) -> bool:
    """`auth`, `session`, `sessionId`: may hold a token, judged with lower confidence."""
    if not _spells_one_of(name, SESSIONISH_WORDS):
        return False
    found = set(words(name))
    return bool(found & SESSIONISH_WORDS) and not found & NOT_A_TOKEN


def is_constant(node: Node | None) -> bool:
    node = unwrap(node)
    return node is None or node.type in ("string", "number", "true", "false", "null", "undefined") or string_value(node) is not None


def leaf_names(node: Node | None, tree: ScriptTree, depth: int = 4) -> Iterator[str]:
    """The names an expression's value comes from (see the module docstring)."""
    node = unwrap(node)
    if node is None or depth == 0:
        return
    kind = node.type
    if kind == "identifier":
        yield text(node)
        resolved = tree.resolve(node)
        if resolved is not None and resolved.type != "identifier":
            yield from leaf_names(resolved, tree, depth - 1)
    elif kind in ("member_expression", "subscript_expression"):
        prop = node.child_by_field_name("property") or node.child_by_field_name("index")
        name = text(prop) if kind == "member_expression" else (string_value(prop) or "")
        yield name
        if name.lower() in _GENERIC_PROPERTIES:
            yield from leaf_names(node.child_by_field_name("object"), tree, depth - 1)
    elif kind == "call_expression":
        yield dotted_name(node.child_by_field_name("function")).rpartition(".")[2]
        args = node.child_by_field_name("arguments")
        for arg in args.named_children if args is not None else ():
            yield from leaf_names(arg, tree, depth - 1)
    elif kind == "template_string":
        head, _ = template_head(node)
        if "bearer" in head.lower():
            yield "bearer"
        for child in node.named_children:
            if child.type == "template_substitution":
                yield from (n for c in child.named_children for n in leaf_names(c, tree, depth - 1))
    elif kind == "object":
        for child in node.named_children:
            if child.type == "shorthand_property_identifier":
                yield text(child)
            elif child.type == "pair":
                yield text(child.child_by_field_name("key")).strip("\"'")
                yield from leaf_names(child.child_by_field_name("value"), tree, depth - 1)
    elif kind in ("binary_expression", "ternary_expression"):
        for field_name in ("left", "right", "consequence", "alternative"):
            yield from leaf_names(node.child_by_field_name(field_name), tree, depth - 1)
    elif kind in ("string",):
        value = string_value(node) or ""
        if value.lower().startswith("bearer "):
            yield "bearer"


def value_token_evidence(node: Node | None, tree: ScriptTree) -> str | None:
    """A short reason when the expression's value is a token, else None."""
    if not spells_a_token_word(tree):
        return None
    if is_constant(node) and "bearer" not in text(node).lower():
        return None
    for name in leaf_names(node, tree):
        if names_a_token(name):
            return f"the value `{text(node)[:60]}`"
    return None


def key_name(node: Node | None, tree: ScriptTree) -> str:
    """The storage key an expression names: a literal, a constant's value or the constant's name."""
    node = unwrap(node)
    if node is None:
        return ""
    literal = string_value(node)
    if literal is not None:
        return literal
    if node.type == "template_string":
        return text(node)
    resolved = tree.resolve(node)
    resolved_literal = string_value(resolved)
    own_name = dotted_name(node).rpartition(".")[2]
    return f"{own_name} {resolved_literal}" if resolved_literal is not None else own_name


def login_response_evidence(node: Node | None, tree: ScriptTree) -> str | None:
    """A reason when the value is a whole login response: `JSON.stringify(data)` after
    `const { data } = await api.post("/auth/login", ...)`, `response.data`, `await res.json()`."""
    node = unwrap(node)
    if node is not None and node.type == "call_expression" and callee_name(node) == "JSON.stringify":
        node = unwrap(next(iter(arguments(node)), None))
    root = _response_root(node)
    return f"`{text(node)[:40]}`, the response of a login request" if root and _from_login(root, tree, 2) else None


def _response_root(node: Node | None) -> str | None:
    """`data` for `data`, `res.data`, `await res.json()`; None for a part of it (`data.user`)."""
    node = unwrap(node)
    if node is not None and node.type == "call_expression" and callee_name(node).endswith(".json"):
        node = unwrap(node.child_by_field_name("function").child_by_field_name("object"))
    while node is not None and node.type == "member_expression" and text(node.child_by_field_name("property")) in _GENERIC_PROPERTIES:
        node = unwrap(node.child_by_field_name("object"))
    return text(node) if node is not None and node.type == "identifier" else None


def _from_login(name: str, tree: ScriptTree, depth: int) -> bool:
    """Is the variable `name` (also destructured) the result of a login request, or one step from it?"""
    for declarator in tree.nodes("variable_declarator"):
        target, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
        if target is None or value is None or name not in _bound_names(target):
            continue
        calls = [c for c in (unwrap(value), *_calls_in(value)) if c is not None and c.type == "call_expression"]
        if any(_LOGIN_REQUEST.search(callee_name(c)) or any(_LOGIN_REQUEST.search(text(a)) for a in arguments(c) if a.type in ("string", "template_string")) for c in calls):
            return True
        previous = _response_root(value)
        if depth > 1 and previous not in (None, name) and _from_login(previous, tree, depth - 1):
            return True
    return False


def _bound_names(pattern: Node) -> set[str]:
    """Names a declaration binds: `x`, `{ data }`, `{ data: body }`, `[a, b]`."""
    if pattern.type == "identifier":
        return {text(pattern)}
    found = {text(pattern)} if pattern.type == "shorthand_property_identifier_pattern" else set()
    for child in pattern.named_children:
        if child.type == "pair_pattern":
            child = child.child_by_field_name("value") or child
        found |= _bound_names(child)
    return found


def _calls_in(node: Node) -> Iterator[Node]:
    stack = list(node.named_children)
    while stack:
        current = stack.pop()
        if current.type == "call_expression":
            yield current
        stack.extend(current.named_children)
