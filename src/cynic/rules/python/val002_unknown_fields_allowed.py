"""VAL002: a request-body model that accepts fields it does not declare."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.project import Project
from cynic.project._symbols import Symbol
from cynic.project.fastapi import FastAPIModel, RouteView, fastapi_model
from cynic.project.python_facts import Param
from cynic.rules.base import Hit, ProjectRule

_NOT_BODY = frozenset({"query", "path", "header", "cookie", "file"})


class UnknownFieldsAllowed(ProjectRule):
    """A Pydantic model used as a request body that does not forbid unknown fields.

    ## What it does
    Finds every Pydantic (or SQLModel) class a route takes as its request body and reports the
    class definition, once per class, when the `extra` setting in force is not `"forbid"`: left
    at its default, `"ignore"` or `"allow"`. The setting is read through base classes in other
    files (a base with `extra="forbid"` covers its subclasses unless one overrides it), from
    `model_config = ConfigDict(extra=...)`, `class Config: extra = ...` and `Extra.forbid`.

    ## Why is this bad?
    A body model that silently drops or keeps unknown keys hides mass-assignment attempts
    (`"is_superuser": true`, `"owner_id": 1`) and client bugs alike; with `extra="allow"` the
    unknown keys even reach `model_dump()` and the database.

    ## Example
    ```python app/main.py
    from fastapi import FastAPI
    from pydantic import BaseModel

    app = FastAPI()


    class ItemCreate(BaseModel):
        title: str


    @app.post("/items")
    def create_item(item: ItemCreate) -> ItemCreate:
        return item
    ```

    ## Use instead
    ```python app/main.py
    from fastapi import FastAPI
    from pydantic import BaseModel, ConfigDict

    app = FastAPI()


    class ItemCreate(BaseModel):
        model_config = ConfigDict(extra="forbid")
        title: str


    @app.post("/items")
    def create_item(item: ItemCreate) -> ItemCreate:
        return item
    ```

    ## References
    - https://docs.pydantic.dev/latest/api/config/#pydantic.config.ConfigDict.extra
    - CWE-915: Improperly Controlled Modification of Dynamically-Determined Object Attributes
    """

    code = "VAL002"
    name = "unknown-fields-allowed"
    severity = Severity.LOW
    cwe = (915,)
    fix = "Add `model_config = ConfigDict(extra=\"forbid\")` to the model or to a shared base class of request schemas."
    extractors = ("python",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        model = fastapi_model(project)
        reported: set[tuple[str, str]] = set()
        for view in model.routes:
            for klass in body_models(model, view):
                if klass.key in reported:
                    continue
                extra, _ = model.extra_of(klass)
                if extra == "forbid":
                    continue
                reported.add(klass.key)
                setting = f'extra="{extra}"' if extra else "extra is left at its default"
                yield self.hit(
                    klass.path,
                    klass.definition.line,  # type: ignore[union-attr]
                    f"`{klass.definition.name}` is the request body of {view.route.method} {view.path} "
                    f"but accepts unknown fields ({setting}).",
                )


def body_models(model: FastAPIModel, view: RouteView) -> Iterator[Symbol]:
    """The project Pydantic classes a route reads from its request body."""
    for _, klass in body_params(model, view):
        yield klass


def body_params(model: FastAPIModel, view: RouteView) -> list[tuple[Param, Symbol]]:
    """(parameter, Pydantic class) for each handler parameter FastAPI fills from the body."""
    return model.remember(("body", view), _body_params, model, view.handler_symbol)


def _body_params(model: FastAPIModel, handler: Symbol | None) -> list[tuple[Param, Symbol]]:
    found: list[tuple[Param, Symbol]] = []
    if handler is None:
        return found
    for param, use in zip(handler.definition.params, model.param_uses(handler), strict=True):  # type: ignore[union-attr]
        if use is not None:
            continue
        if model.param_source(handler.module, param) in _NOT_BODY:
            continue
        for ref in param.type_refs:
            klass = model.klass(handler.module, ref)
            if klass is not None and model.is_pydantic(klass) and not model.is_settings(klass):
                found.append((param, klass))
    return found
