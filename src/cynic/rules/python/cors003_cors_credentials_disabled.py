"""CORS003: CORS that does not let the browser send the auth cookie."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.project import Project
from cynic.project.fastapi import fastapi_model
from cynic.rules.base import Hit, ProjectRule
from cynic.rules.python._cors import cors_middlewares, trace


class CorsCredentialsDisabled(ProjectRule):
    """`CORSMiddleware` without `allow_credentials=True`.

    ## What it does
    Flags a `CORSMiddleware` that leaves `allow_credentials` out, sets it to `False`, or takes it
    from a setting whose default is `False`. The finding is on the `add_middleware(...)` line.

    ## Why is this bad?
    The rulebook keeps the JWT in an HttpOnly cookie. Without `allow_credentials=True` the
    browser drops that cookie on cross-origin calls, and teams "fix" the resulting 401s by moving
    the token into `localStorage` and an `Authorization` header, where any XSS can read it.

    ## Example
    ```python app/main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"])
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)
    ```

    ## References
    - https://fastapi.tiangolo.com/tutorial/cors/
    - https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Access-Control-Allow-Credentials
    """

    code = "CORS003"
    name = "cors-credentials-disabled"
    severity = Severity.LOW
    fix = "Pass `allow_credentials=True` to `CORSMiddleware` (with an explicit origin list) so the auth cookie is sent."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        for item, kwargs in cors_middlewares(model):
            line = item.fact.line  # type: ignore[attr-defined]
            credentials = kwargs.get("allow_credentials")
            if credentials is None and "**" not in kwargs:
                yield self.hit(item.path, line, "CORSMiddleware does not set `allow_credentials=True`.")
                continue
            if credentials is None:
                continue
            traced = trace(model, item.module, credentials)
            if traced.values == (False,):
                source = f" (`{traced.where}` defaults to False)" if traced.kind == "settings" else ""
                yield self.hit(item.path, line, f"CORSMiddleware sets `allow_credentials` to False{source}.")
