"""Facts about web storage in one script: what is written to localStorage/sessionStorage, by
whom, and whether it is a token (see `js_tokens`).

Recognised writes: `localStorage.setItem(k, v)` (also `window.`, a variable holding a storage,
`(remember ? localStorage : sessionStorage)`), `localStorage.token = v`,
`localStorage["token"] = v`, storage hooks (`useLocalStorage("token", ...)`), zustand's
`persist(...)` middleware (local storage by default) and redux-persist's `persistReducer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.tsjs import (
    Node, ScriptTree, arguments, callee_name, function_name, identifiers_in,
    line, object_keys, object_property, parameter_names, string_value, text, unwrap,
)
from cynic.project import Fact
from cynic.project.js_tokens import is_constant, key_name, login_response_evidence, names_a_session, names_a_token, value_token_evidence

_WEB_STORAGE = lazy_compile(r"\b(?:localStorage|sessionStorage)\b")
_STORAGE_HOOK = lazy_compile(r"^use(?:Local|Session)Storage(?:State|Value)?$")
# Every write below names web storage in the file's text: a receiver or the value it resolves to
# matching `_WEB_STORAGE`, a `use(Local|Session)Storage...` hook, or `persist` / `persistReducer`.
# All but the last spell `Storage`: two searches of the text instead of five.
_STORAGE_WORDS = ("Storage", "persist")
_STORAGE_CALL_WORDS = ("setItem", "persist", "LocalStorage", "SessionStorage")  # in the callee of every call read


class StorageWrite(Fact):
    """A write to web storage. `evidence` says why the value is a token (None: nothing says so),
    `confidence` how sure that is ("high", "medium", or "low" for a key like `auth` or `session`).

    `function` is the enclosing function's qualified name; `key_param` / `value_param` are the
    indexes of that function's parameters that flow into the key / value (a storage wrapper).
    """

    line: int
    evidence: str | None
    confidence: str
    function: str
    key_param: int | None
    value_param: int | None


def storage_writes(tree: ScriptTree) -> Iterator[StorageWrite]:
    """Every write to web storage in the file, token or not."""
    if not tree.mentions(_STORAGE_WORDS):
        return
    for call, name in tree.calls_naming(_STORAGE_CALL_WORDS):
        function = unwrap(call.child_by_field_name("function"))
        if not (_is_set_item(function) or name in ("persist", "persistReducer") or _STORAGE_HOOK.match(name.rpartition(".")[2])):
            continue
        args = arguments(call)
        if _is_set_item(function) and len(args) >= 2 and _is_web_storage(function.child_by_field_name("object"), tree):
            yield _write(call, args[0], args[1], tree)
        elif _STORAGE_HOOK.match(name.rpartition(".")[2]) and args:
            key = object_property(args[0], "key") or args[0]
            if names_a_token(key_name(key, tree)):
                yield StorageWrite(line(call), f"a `{name}` hook keyed `{key_name(key, tree)}`", "high", "", None, None)
        elif name == "persist":
            yield from _zustand_persist(call, args, tree)
        elif name == "persistReducer":
            yield from _redux_persist(call, args, tree)
    for assignment in tree.nodes("assignment_expression"):
        left = unwrap(assignment.child_by_field_name("left"))
        if left is None or left.type not in ("member_expression", "subscript_expression"):
            continue
        if _is_web_storage(left.child_by_field_name("object"), tree):
            key = left.child_by_field_name("property") or left.child_by_field_name("index")
            yield _write(assignment, key, assignment.child_by_field_name("right"), tree)


def _is_set_item(function: Node | None) -> bool:
    return function is not None and function.type == "member_expression" and text(function.child_by_field_name("property")) == "setItem"


def _is_web_storage(receiver: Node | None, tree: ScriptTree) -> bool:
    receiver = unwrap(receiver)
    if receiver is None:
        return False
    return bool(_WEB_STORAGE.search(text(receiver)) or _WEB_STORAGE.search(text(tree.resolve(receiver))))


def _write(node: Node, key: Node | None, value: Node | None, tree: ScriptTree) -> StorageWrite:
    key_text = key_name(key, tree) if key is not None and key.type != "property_identifier" else text(key)
    function = tree.enclosing_function(node)
    params = parameter_names(function) if function is not None else []
    key_param = _param_index(key, params)
    value_param = _param_index(value, params)
    evidence = value_token_evidence(value, tree)
    if evidence is None and names_a_token(key_text) and not is_constant(value):
        evidence = f"the key `{key_text}`"
    qualified = qualified_name(function) if function is not None else ""
    if evidence is None and value_param is not None and names_a_token(qualified.rpartition(".")[2]):
        evidence = f"the wrapper `{qualified}`"
    confidence = "high"
    if evidence is None and (evidence := login_response_evidence(value, tree)) is not None:
        confidence = "medium"
    if evidence is None and names_a_session(key_text) and not is_constant(value):
        evidence, confidence = f"the key `{key_text}`", "low"
    return StorageWrite(line(node), evidence, confidence, qualified, key_param, value_param)


def _param_index(node: Node | None, params: list[str]) -> int | None:
    if node is None or not params:
        return None
    used = set(identifiers_in(node))
    return next((index for index, name in enumerate(params) if name and name in used), None)


def qualified_name(function: Node) -> str:
    """`saveToken`, `storage.set` (a method of `const storage = {...}`), `TokenService.save`."""
    name = function_name(function)
    holder = function.parent
    if holder is not None and holder.type == "pair":
        holder = holder.parent
    if holder is not None and holder.type == "object" and holder.parent is not None and holder.parent.type == "variable_declarator":
        return f"{text(holder.parent.child_by_field_name('name'))}.{name}"
    if holder is not None and holder.type == "class_body" and holder.parent is not None:
        return f"{text(holder.parent.child_by_field_name('name'))}.{name}"
    return name


def _zustand_persist(call: Node, args: list[Node], tree: ScriptTree) -> Iterator[StorageWrite]:
    if len(args) < 2 or object_property(tree.resolve(args[1]), "name") is None:
        return
    options = tree.resolve(args[1])
    storage = object_property(options, "storage") or object_property(options, "getStorage")
    if storage is not None and not _WEB_STORAGE.search(text(tree.resolve(storage))):
        return  # a cookie or custom storage, not web storage
    partialize = object_property(options, "partialize")
    creator = tree.resolve(args[0])
    sources = [partialize] if partialize is not None else [creator]
    keys = [k for fn in sources if fn is not None and fn.type in ("arrow_function", "function_expression") for r in tree.returned_expressions(fn) for k in object_keys(r)]
    token_keys = [k for k in keys if names_a_token(k)]
    if token_keys:
        yield StorageWrite(line(call), f"zustand `persist` of `{token_keys[0]}`", "high", "", None, None)


def _redux_persist(call: Node, args: list[Node], tree: ScriptTree) -> Iterator[StorageWrite]:
    if len(args) < 2:
        return
    config = tree.resolve(args[0])
    storage = object_property(config, "storage")
    if storage is None or re.search(r"AsyncStorage|SecureStore|cookie", text(storage), re.I):
        return
    whitelist = object_property(config, "whitelist")
    blacklist = object_property(config, "blacklist")
    if whitelist is not None:
        persisted = [string_value(item) or "" for item in whitelist.named_children]
    else:
        reducer = tree.resolve(args[1])
        persisted = [string_value(object_property(config, "key")) or "", text(args[1])]
        if reducer is not None and reducer.type == "call_expression" and callee_name(reducer) == "combineReducers":
            persisted += object_keys(next(iter(arguments(reducer)), None))
        if blacklist is not None:
            dropped = {string_value(item) for item in blacklist.named_children}
            persisted = [p for p in persisted if p not in dropped]
    hits = [p for p in persisted if names_a_token(p) or names_a_session(p)]
    if hits:
        yield StorageWrite(line(call), f"redux-persist of `{hits[0]}` state", "medium", "", None, None)
