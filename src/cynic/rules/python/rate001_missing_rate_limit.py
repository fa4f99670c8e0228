"""RATE001: no rate limiter on the app or on its authentication routes."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.project import Project
from cynic.project.fastapi import fastapi_model
from cynic.rules.base import Hit, ProjectRule
from cynic.rules.python._ratelimit import has_any_limiter, has_app_wide_limit, is_auth_route, route_is_limited


class MissingRateLimit(ProjectRule):
    """No rate limiting on the app, or on its login, sign-up, token and password-reset routes.

    ## What it does
    Looks for a rate limiter anywhere in the project: slowapi (`Limiter` with `default_limits`
    plus `SlowAPIMiddleware`, or `@limiter.limit(...)` on a route), `fastapi-limiter`
    `RateLimiter` dependencies, or a middleware that limits requests (its name says so, or it
    answers 429). With none at all, the finding is on the `FastAPI()` line (whole file). With a
    limiter but no app-wide limit, each authentication route (login, register, token, password
    reset/recovery, refresh) that has no limit of its own is reported at its route decorator.

    ## Why is this bad?
    Without a limit an attacker can try passwords, reset codes and tokens as fast as the server
    answers: credential stuffing and brute force succeed, and the same flood takes the API down.

    ## Example
    ```python app/main.py
    from fastapi import FastAPI

    app = FastAPI()


    @app.post("/login")
    def login(username: str, password: str) -> dict[str, str]:
        return {"status": "ok"}
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import FastAPI, Request
    from slowapi import Limiter
    from slowapi.middleware import SlowAPIMiddleware
    from slowapi.util import get_remote_address

    limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])
    app = FastAPI()
    app.state.limiter = limiter
    app.add_middleware(SlowAPIMiddleware)


    @app.post("/login")
    @limiter.limit("5/minute")
    def login(request: Request, username: str, password: str) -> dict[str, str]:
        return {"status": "ok"}
    ```

    ## References
    - https://slowapi.readthedocs.io/
    - CWE-307: Improper Restriction of Excessive Authentication Attempts
    """

    code = "RATE001"
    name = "missing-rate-limit"
    severity = Severity.MEDIUM
    cwe = (307,)
    fix = "Add slowapi: a `Limiter` with `default_limits`, `app.state.limiter`, `SlowAPIMiddleware`, and `@limiter.limit(\"5/minute\")` on auth routes."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        if not model.apps or has_app_wide_limit(model):
            return
        if not has_any_limiter(model):
            for app in model.apps:
                yield self.hit(app.path, app.fact.line, "The app has no rate limiter: login, sign-up and password-reset routes can be brute-forced.", whole_file=True)  # type: ignore[attr-defined]
            return
        for view in model.routes:
            if is_auth_route(view) and not route_is_limited(view):
                yield self.hit(
                    view.file,
                    view.line,
                    f"Authentication route {view.route.method} {view.path} has no rate limit.",
                )
