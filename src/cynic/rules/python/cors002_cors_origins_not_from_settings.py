"""CORS002: CORS origins hard-coded or read from the environment by hand."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project.fastapi import fastapi_model
from cynic.rules.base import Hit, ProjectRule
from cynic.rules.python._cors import cors_middlewares, trace


class CorsOriginsNotFromSettings(ProjectRule):
    """CORS origins that do not come from a pydantic-settings field loaded from `.env`.

    ## What it does
    Flags a `CORSMiddleware` whose `allow_origins` is a list written in the source (directly or
    as a module constant), or read from the environment by hand (`os.getenv("ORIGINS").split(",")`,
    `os.environ[...]`). Origins from a `BaseSettings` field (or a computed field built from one)
    are compliant; when that settings class reads no `.env` file the finding has low confidence.
    The finding is on the `add_middleware(...)` (or `Middleware(...)`) line.

    ## Why is this bad?
    Hard-coded origins ship the development origins (`http://localhost:3000`) to production and
    need a code change to fix; hand-parsed environment variables skip validation, so a stray
    space or an empty entry silently changes who may call the API.

    ## Example
    ```python app/main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:3000"], allow_credentials=True)
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from pydantic_settings import BaseSettings, SettingsConfigDict


    class Settings(BaseSettings):
        model_config = SettingsConfigDict(env_file=".env")
        cors_origins: list[str] = []


    settings = Settings()
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True)
    ```

    ## References
    - https://docs.pydantic.dev/latest/concepts/pydantic_settings/
    - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    """

    code = "CORS002"
    name = "cors-origins-not-from-settings"
    severity = Severity.LOW
    cwe = (942,)
    fix = "Declare the origins as a field of a pydantic-settings `BaseSettings` with `env_file=\".env\"` and pass `settings.<field>`."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        for item, kwargs in cors_middlewares(model):
            origins = kwargs.get("allow_origins")
            if origins is None:
                continue
            origin = trace(model, item.module, origins)
            line = item.fact.line  # type: ignore[attr-defined]
            if origin.kind == "literal" and origin.values:
                yield self.hit(item.path, line, f"CORS origins are hard-coded (`{origin.where}`), not read from settings.")
            elif origin.kind == "env":
                yield self.hit(item.path, line, f"CORS origins are read from the environment by hand (`{origin.where}`).")
            elif origin.kind == "settings" and not origin.env_file:
                yield self.hit(
                    item.path,
                    line,
                    f"CORS origins come from `{origin.where}`, but that settings class reads no .env file.",
                    confidence=Confidence.LOW,
                )
