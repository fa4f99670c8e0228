"""Access-control readings of the FastAPI model shared by RBAC002 and IDOR001.

- which dependencies authenticate a user, and which of those also enforce a role;
- which handler parameters hold the current user;
- whether a handler (or a helper it calls, one or two levels down) checks ownership, and which
  lookups by a request-supplied id it makes without one.
"""

from __future__ import annotations

import re

import msgspec

from cynic.lazy_pattern import lazy_compile
from cynic.project._symbols import Symbol
from cynic.project.fastapi import DependencyUse, FastAPIModel, RouteView
from cynic.project.python_facts import Call, ClassInfo, Compare, Function, Lookup

_ROLE = lazy_compile(r"admin|superuser|super_user|role|permission|privileg|staff|scopes=", re.I)
_AUTH = lazy_compile(r"user|auth|token|login|principal|verify|jwt|account|identity|require|current|oauth|bearer|api_?key|member", re.I)
_NOT_AUTH = lazy_compile(r"^(get_)?(db|session|settings|redis|cache|engine|async_session)$|get_db|get_session", re.I)
_AUTH_SCHEMES = ("OAuth2PasswordBearer", "HTTPBearer", "APIKeyHeader", "APIKeyCookie", "OAuth2AuthorizationCodeBearer")
OWNER_FIELDS = frozenset({"owner_id", "user_id", "author_id", "created_by", "created_by_id", "owner", "author", "user", "creator_id"})
_MAX_DEPTH = 2


def _target(model: FastAPIModel, use: DependencyUse) -> Symbol | None:
    return model.symbols.lookup(use.module, use.dependency.target) if use.dependency.target else None


def _question(kind: str, use: DependencyUse) -> tuple[str, str, str, str]:
    """What a question about a dependency depends on: the module it is written in and the
    dependency as written there (not the parameter it fills, nor its line)."""
    return kind, use.module, use.dependency.target, use.dependency.text


def is_role_dependency(model: FastAPIModel, use: DependencyUse) -> bool:
    """A dependency that enforces a role: `require_role(Role.ADMIN)`, `get_current_active_superuser`."""
    return model.remember(_question("role", use), _is_role_dependency, model, use)


def _is_role_dependency(model: FastAPIModel, use: DependencyUse, depth: int = 0) -> bool:
    if _ROLE.search(use.dependency.text):
        return True
    target = _target(model, use)
    if target is None or depth > 2:
        return False
    function = _callable_of(model, target)
    if function is None:
        return False
    if function.definition.role_checks:  # type: ignore[union-attr]
        return True
    return any(_is_role_dependency(model, inner, depth + 1) for inner in _inner_uses(model, function))


def is_auth_dependency(model: FastAPIModel, use: DependencyUse) -> bool:
    """A dependency that authenticates the caller (and possibly checks a role)."""
    return model.remember(_question("auth", use), _is_auth_dependency, model, use)


def _is_auth_dependency(model: FastAPIModel, use: DependencyUse, depth: int = 0) -> bool:
    text = use.dependency.target or use.dependency.text
    if _NOT_AUTH.search(text):
        return False
    if _AUTH.search(text) or is_role_dependency(model, use):
        return True
    target = _target(model, use)
    if target is None or depth > 2:
        return False
    value = getattr(target.definition, "value", None)
    if value is not None and (value.call or "").rsplit(".", 1)[-1] in _AUTH_SCHEMES:
        return True
    function = _callable_of(model, target)
    return function is not None and any(_is_auth_dependency(model, u, depth + 1) for u in _inner_uses(model, function))


def _callable_of(model: FastAPIModel, target: Symbol) -> Symbol | None:
    """The function a dependency runs: itself, or a class's `__call__`/`__init__`."""
    if isinstance(target.definition, Function):
        return target
    if isinstance(target.definition, ClassInfo):
        for method in ("__call__", "__init__"):
            found = model.function(target.module, f"{target.definition.name}.{method}")
            if found is not None:
                return found
    return None


def _inner_uses(model: FastAPIModel, function: Symbol) -> list[DependencyUse]:
    return [use for use in model.param_uses(function) if use is not None]


def has_role_dependency(model: FastAPIModel, view: RouteView) -> bool:
    return model.remember(("has-role", view), _has_role_dependency, model, view)


def _has_role_dependency(model: FastAPIModel, view: RouteView) -> bool:
    for use in view.dependencies:
        if is_role_dependency(model, use):
            return True
    return False


def is_protected(model: FastAPIModel, view: RouteView) -> bool:
    return model.remember(("protected", view), _is_protected, model, view)


def _is_protected(model: FastAPIModel, view: RouteView) -> bool:
    for use in view.dependencies:
        if is_auth_dependency(model, use):
            return True
    return False


def current_user_params(model: FastAPIModel, view: RouteView) -> frozenset[str]:
    """Handler parameters filled by an authenticating dependency."""
    return model.remember(("users", view), _current_user_params, model, view)


def _current_user_params(model: FastAPIModel, view: RouteView) -> frozenset[str]:
    users = set()
    for use in view.dependencies:
        if use.param and is_auth_dependency(model, use):
            users.add(use.param)
    return frozenset(users)


def is_ownership_compare(left: str | None, right: str | None, users: frozenset[str], ids: frozenset[str]) -> bool:
    """`item.owner_id != user.id`, `Item.owner == current_user`, `owner_id=user.id`, `user.id != user_id`.

    An owner column compared with a value the request supplies (`Item.owner_id == owner_id`
    where `owner_id` is a path parameter) is not an ownership check: the caller chose it.
    """
    if not left or not right or left == "<const>" or right == "<const>":
        return False
    sides = (left, right)
    for side in sides:
        root, _, attr = side.partition(".")
        if root in users and attr in ("", "id", "email", "username"):
            return True
    if _reads((right.removesuffix("="),), ids):
        return False
    return any(side.rsplit(".", 1)[-1].removesuffix("=") in OWNER_FIELDS for side in sides)


class UncheckedLookup(msgspec.Struct, frozen=True, gc=False):
    """A lookup by a request id that no ownership check guards, and where it happens (a struct:
    cheap to build, compared by value, holding only facts and strings)."""

    lookup: Lookup
    path: str
    module: str


def unchecked_lookups(
    model: FastAPIModel, function: Symbol, ids: frozenset[str], users: frozenset[str], depth: int = 0
) -> list[UncheckedLookup] | None:
    """Lookups keyed by `ids` without an ownership check; None when the function checks ownership.

    A helper that checks ownership vouches only for the ids it was given: after
    `_owned_note(session, note_id, user)`, a lookup by `attachment_id` is still unchecked unless
    the row is tied to a checked one (`attachment.note_id != note.id`).
    """
    body: Function = function.definition  # type: ignore[assignment]
    for compare in body.compares:
        if is_ownership_compare(compare.left, compare.right, users, ids):
            return None
    found = [UncheckedLookup(lk, function.path, function.module) for lk in body.lookups if _reads(lk.keys, ids)]
    if depth >= _MAX_DEPTH:
        return found
    vouched: set[str] = set()
    for call, callee in zip(body.calls, callees(model, function), strict=True):
        mapped = _mapped_params(callee, call, ids) if callee is not None else None
        if mapped is None:
            continue
        callee, callee_ids, callee_users = mapped
        if not callee_ids:
            continue
        inner = unchecked_lookups(model, callee, callee_ids, callee_users, depth + 1)
        if inner is None:
            vouched.update(ref.split(".")[0] for refs in (*call.args, *(v for _, v in call.kwargs)) for ref in refs)
            continue
        found.extend(inner)
    if not vouched:
        return found
    if ids <= vouched or any(_links_rows(c, ids) for c in body.compares):
        return None
    return [u for u in found if _reads(u.lookup.keys, ids - vouched)] or None


def _links_rows(compare: Compare, ids: frozenset[str]) -> bool:
    """`attachment.note_id != note.id`: a row tied to another by its foreign key, not by a request id."""
    sides = (compare.left or "", compare.right or "")
    if any(not side or _reads((side,), ids) or "." not in side for side in sides):
        return False
    attrs = {side.rsplit(".", 1)[1] for side in sides}
    return "id" in attrs and any(attr.endswith("_id") for attr in attrs)


def _reads(refs: tuple[str, ...], names: frozenset[str]) -> bool:
    for ref in refs:
        if ref in names or ref.split(".")[0] in names and ref.endswith("id"):
            return True
    return False


def _mapped_params(callee: Symbol, call: Call, ids: frozenset[str]) -> tuple[Symbol, frozenset[str], frozenset[str]]:
    """(callee, its parameters that receive a request id, those that receive the user)."""
    params = [p.name for p in callee.definition.params]  # type: ignore[union-attr]
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    id_params: set[str] = set()
    user_params: set[str] = set()
    passed = [*zip(params, call.args, strict=False), *call.kwargs]
    for name, refs in passed:
        if _reads(refs, ids):
            id_params.add(name)
        if any(ref.endswith(".id") or "user" in ref.lower() for ref in refs) and not _reads(refs, ids):
            user_params.add(name)
    return callee, frozenset(id_params), frozenset(user_params)


def callees(model: FastAPIModel, caller: Symbol) -> tuple[Symbol | None, ...]:
    """The project function each call of `caller` reaches (None outside the project), in call order."""
    return model.remember(("callees", caller.key), _callees, model, caller)


def _callees(model: FastAPIModel, caller: Symbol) -> tuple[Symbol | None, ...]:
    resolved: dict[str, Symbol | None] = {}
    receivers: dict[str, Symbol | None] = {}  # `session` of `session.get`, `session.add`...: found once
    found = []
    for call in caller.definition.calls:  # type: ignore[union-attr]
        callee = call.callee
        if callee not in resolved:
            resolved[callee] = _resolve_callee(model, caller, callee, receivers)
        found.append(resolved[callee])
    return tuple(found)


def _resolve_callee(model: FastAPIModel, caller: Symbol, callee: str, receivers: dict[str, Symbol | None]) -> Symbol | None:
    direct = model.function(caller.module, callee)
    if direct is not None:
        return direct
    owner, _, method = callee.rpartition(".")
    if not owner:
        return None
    if owner not in receivers:
        class_name = _receiver_class(model, caller, owner)
        receivers[owner] = model.klass(class_name[0], class_name[1]) if class_name else None
    klass = receivers[owner]
    if klass is None:
        return None
    for item in model.ancestors(klass):
        found = model.function(item.module, f"{item.definition.name}.{method}")
        if found is not None:
            return found
    return None


def _receiver_class(model: FastAPIModel, caller: Symbol, owner: str) -> tuple[str, str] | None:
    """(module, class name) of the object a method is called on, when the source says it."""
    function: Function = caller.definition  # type: ignore[assignment]
    if owner.endswith("()"):
        return caller.module, owner[:-2]
    if owner.startswith("self.") and "." in function.name:
        klass = model.klass(caller.module, function.name.rsplit(".", 1)[0])
        attrs = dict(klass.definition.attr_types) if klass else {}  # type: ignore[union-attr]
        kind = attrs.get(owner[5:])
        return (klass.module, kind) if klass and kind else None  # type: ignore[union-attr]
    for param, use in zip(function.params, model.param_uses(caller), strict=True):
        if param.name == owner:
            alias = model.alias(caller.module, param.type_refs[0]) if param.type_refs else None
            if alias is not None and alias.definition.type_refs:  # type: ignore[union-attr]
                return alias.module, alias.definition.type_refs[0]  # type: ignore[union-attr]
            if param.type_refs:
                return caller.module, param.type_refs[0]
            if use is not None and use.dependency.target:
                return use.module, use.dependency.target
    symbol = model.symbols.lookup(caller.module, owner)
    value = getattr(symbol.definition, "value", None) if symbol else None
    if value is not None and value.call:
        return symbol.module, value.call  # type: ignore[union-attr]
    return None


def role_checked_calls(model: FastAPIModel, handler: Symbol) -> list[Call]:
    """Calls from a handler to a project helper that enforces a role (`ensure_admin(user)`)."""
    return model.remember(("role-calls", handler.key), _role_checked_calls, model, handler)


def _role_checked_calls(model: FastAPIModel, handler: Symbol) -> list[Call]:
    calls: tuple[Call, ...] = handler.definition.calls  # type: ignore[union-attr]
    return [
        call
        for call, helper in zip(calls, callees(model, handler), strict=True)
        if helper is not None and helper.key != handler.key and helper.definition.role_checks  # type: ignore[union-attr]
    ]


def enforces_role_inline(model: FastAPIModel, handler: Symbol) -> bool:
    """The handler checks a role itself or through a helper: an admin route, however written."""
    return bool(handler.definition.role_checks) or bool(role_checked_calls(model, handler))  # type: ignore[union-attr]
