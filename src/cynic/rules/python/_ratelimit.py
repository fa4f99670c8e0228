"""What rate limiting a FastAPI project has: app-wide, per route, or none (for RATE001)."""

from __future__ import annotations

import re
from functools import lru_cache

from cynic.lazy_pattern import lazy_compile
from cynic.project.fastapi import FastAPIModel, RouteView
from cynic.project.python_facts import Assignment, ClassInfo, Function

_LIMITER_NAME = lazy_compile(r"rate.?limit|throttl|limiter", re.I)
_SLOWAPI_MIDDLEWARES = ("SlowAPIMiddleware", "SlowAPIASGIMiddleware")
_AUTH_ROUTE = lazy_compile(
    r"log-?in|sign-?in|sign_in|sign-?up|sign_up|register|token|password|passwd|recover|forgot|refresh|otp|mfa|2fa|verify[-_]email",
    re.I,
)


def slowapi_limiters(model: FastAPIModel) -> list[Assignment]:
    """`limiter = Limiter(key_func=...)` assignments."""
    return [
        symbol.definition
        for symbol in model.symbols.assignments
        if (symbol.definition.value.call or "").endswith("Limiter")  # type: ignore[union-attr]
    ]


def has_app_wide_limit(model: FastAPIModel) -> bool:
    """A limit on every request: slowapi middleware with default limits, or a rate-limit middleware."""
    limiters = slowapi_limiters(model)
    defaults = any("default_limits" in a.value.text or "application_limits" in a.value.text for a in limiters)
    if defaults and model.middlewares_named(*_SLOWAPI_MIDDLEWARES):
        return True
    for item in model.middlewares:
        cls = item.fact.cls  # type: ignore[attr-defined]
        if cls.rsplit(".", 1)[-1] in _SLOWAPI_MIDDLEWARES:
            continue
        if _LIMITER_NAME.search(cls) or _answers_429(model, item.module, cls):
            return True
    return any(_LIMITER_NAME.search(dep.text) for app in model.apps for dep in app.fact.dependencies)  # type: ignore[attr-defined]


def _answers_429(model: FastAPIModel, module: str, name: str) -> bool:
    """A project middleware (class or `@app.middleware` function) that answers 429 Too Many Requests."""
    symbol = model.symbols.lookup(module, name)
    if symbol is None:
        return False
    if isinstance(symbol.definition, Function):
        return 429 in symbol.definition.status_codes
    if isinstance(symbol.definition, ClassInfo):
        for method in ("dispatch", "__call__"):
            found = model.function(symbol.module, f"{symbol.definition.name}.{method}")
            if found is not None and 429 in found.definition.status_codes:  # type: ignore[union-attr]
                return True
    return False


def route_is_limited(view: RouteView) -> bool:
    """A `@limiter.limit(...)` decorator or a rate-limiting dependency on the route or its routers."""
    for decorator in view.handler.decorators if view.handler else ():
        if decorator.name.rsplit(".", 1)[-1] in ("limit", "shared_limit") or _names_limiter(decorator.name):
            return True
    for use in view.dependencies:
        if _names_limiter(use.dependency.text):
            return True
    return False


@lru_cache(maxsize=4096)
def _names_limiter(text: str) -> bool:
    """Whether a decorator or dependency names a rate limiter; asked of the same few texts
    (`router.get`, `get_current_user`, `get_db`) for every route, so the answers are kept."""
    return bool(_LIMITER_NAME.search(text))


def is_auth_route(view: RouteView) -> bool:
    """Login, sign-up, token, password reset/recovery, refresh: the routes brute force aims at."""
    if view.route.method in ("GET", "HEAD", "OPTIONS"):
        return False
    return bool(_AUTH_ROUTE.search(view.path) or _AUTH_ROUTE.search(view.route.function))


def has_any_limiter(model: FastAPIModel) -> bool:
    return bool(slowapi_limiters(model)) or has_app_wide_limit(model) or any(route_is_limited(v) for v in model.routes)
