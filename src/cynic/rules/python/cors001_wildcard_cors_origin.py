"""CORS001: CORS that lets every origin in, directly or through a settings default."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.project import Project
from cynic.project.fastapi import fastapi_model
from cynic.rules.base import Hit, ProjectRule
from cynic.rules.python._cors import cors_middlewares, matches_any_origin, trace


class WildcardCorsOrigin(ProjectRule):
    """`CORSMiddleware` that allows any origin.

    ## What it does
    Flags a `CORSMiddleware` whose `allow_origins` contains `"*"` or whose `allow_origin_regex`
    matches any site (`".*"`, `"https?://.*"`), also when the list comes from a settings field
    whose default is `["*"]` (`allow_origins=settings.BACKEND_CORS_ORIGINS`, or a computed field
    built from it). The finding is on the `add_middleware(...)` (or `Middleware(...)`) line; the
    message names the settings field when the wildcard comes from its default.

    ## Why is this bad?
    Any website the user visits can call the API from the user's browser and read the answers.
    With cookie authentication this hands the user's session to every site on the internet.

    ## Example
    ```python app/main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware

    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from pydantic_settings import BaseSettings, SettingsConfigDict


    class Settings(BaseSettings):
        model_config = SettingsConfigDict(env_file=".env")
        cors_origins: list[str] = ["https://app.example.com"]


    settings = Settings()
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=True)
    ```

    ## References
    - https://fastapi.tiangolo.com/tutorial/cors/
    - CWE-942: Permissive Cross-domain Policy with Untrusted Domains
    """

    code = "CORS001"
    name = "wildcard-cors-origin"
    severity = Severity.HIGH
    cwe = (942,)
    fix = "List the exact front-end origins in a pydantic-settings field loaded from .env; never `*`."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        for item, kwargs in cors_middlewares(model):
            line = item.fact.line  # type: ignore[attr-defined]
            origins = kwargs.get("allow_origins")
            if origins is not None:
                origin = trace(model, item.module, origins)
                if origin.values and "*" in origin.values:
                    where = f" (the default of `{origin.where}`)" if origin.kind == "settings" else ""
                    yield self.hit(item.path, line, f"CORS allows every origin: `*`{where}.")
                    continue
            regex = kwargs.get("allow_origin_regex")
            if regex is not None:
                origin = trace(model, item.module, regex)
                if origin.values and any(matches_any_origin(v) for v in origin.values):
                    yield self.hit(item.path, line, f"CORS origin regex `{origin.values[0]}` matches every site.")
