"""The whole-project view of a FastAPI backend, built once from every Python file's facts.

Routes get their full path (router and `include_router` prefixes resolved as far as the source
allows) and every dependency that guards them: the route's own, its parameters' (through
`Annotated` aliases defined in other modules), its router's, each `include_router`'s and the
app's. Classes are resolved through inheritance across files; settings references
(`settings.BACKEND_CORS_ORIGINS`) through the settings instance to the field's default.

Project rules get the model with `fastapi_model(project)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, TypeVar

import msgspec

from cynic.lazy_pattern import lazy_compile
from cynic.project import Project
from cynic.project._symbols import Symbol, SymbolTable
from cynic.project.reads import PYTHON, FactReads
from cynic.project.python_facts import (
    Alias,
    AppOrRouter,
    Assignment,
    ClassInfo,
    Dependency,
    Field,
    Function,
    Param,
    PythonFacts,
    Route,
    Value,
)

T = TypeVar("T")
_PYDANTIC_ROOTS = frozenset({"BaseModel", "SQLModel", "BaseSettings", "RootModel", "Document"})
_SETTINGS_ROOTS = frozenset({"BaseSettings"})
_ENUM_ROOTS = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"})
_PATH_PARAM = lazy_compile(r"\{(\w+)(?::\w+)?\}")
_MAX_MOUNT_DEPTH = 6
_SETTINGS_NAME = lazy_compile(r"settings|config|conf\b", re.I)
_INSTANCE = lazy_compile(r"^[A-Za-z_][\w.]*(\(\))?$")
_UNKNOWN = object()  # a question not answered yet


class Located(msgspec.Struct, frozen=True, gc=False):
    """A fact with the module and file it came from.

    Like the other records of the model, a struct: immutable, compared by value, holding only
    facts and strings (never part of a cycle), and the cheapest record to build by the thousand.
    """

    module: str
    path: str
    fact: object


class DependencyUse(msgspec.Struct, frozen=True, gc=False):
    """A dependency guarding a route, with the module its name must be resolved in."""

    dependency: Dependency
    module: str
    param: str | None  # the handler parameter it fills; None for route-, router- or app-level


class RouteView(msgspec.Struct, frozen=True, eq=False, gc=False):
    """A route with its full path, handler and every dependency that guards it.

    A model makes one view per route, so views compare (and hash) by identity: rules key what
    they learn about a route on its view. (A struct: cheap to build, and holding only facts,
    strings and other records, never part of a cycle.)
    """

    route: Route
    module: str
    file: str
    path: str
    handler: Function | None
    handler_symbol: Symbol | None  # the handler with the module that defines it
    dependencies: tuple[DependencyUse, ...]
    path_params: frozenset[str]  # the parameters its path declares: `/items/{item_id}` -> item_id

    @property
    def line(self) -> int:
        return self.route.line


class FastAPIModel:
    """Routes, routers, apps, middlewares, models and settings of the whole project."""

    def __init__(self, modules: list[tuple[str, PythonFacts]], reads: FactReads | None = None) -> None:
        """The model of these (path, facts) modules; what it reads of them is noted in `reads`."""
        self.symbols = SymbolTable(modules, reads)
        self._answers: dict[Hashable, Any] = {}
        self._container_keys: dict[tuple[str, str], tuple[str, str] | None] = {}
        self._mount_chains: dict[tuple[tuple[str, str], int], tuple[str, tuple[DependencyUse, ...]]] = {}
        self._param_uses: dict[tuple[str, str], tuple[DependencyUse | None, ...]] = {}

    def remember(self, question: Hashable, answer: Callable[..., T], *args: Any) -> T:
        """`answer(*args)`, computed once per model: project rules ask the same questions of the
        same dependencies and helpers for every route."""
        known = self._answers.get(question, _UNKNOWN)
        if known is _UNKNOWN:
            known = self._answers[question] = answer(*args)
        return known  # type: ignore[no-any-return]

    def _located(self, view: str) -> list[Located]:
        return [Located(module, path, fact) for module, path, facts in self.symbols.view(view) for fact in facts]

    @cached_property
    def apps(self) -> list[Located]:
        """Every `FastAPI(...)` instance."""
        return [item for item in self._located("apps") if item.fact.is_app]  # type: ignore[attr-defined]

    @cached_property
    def middlewares(self) -> list[Located]:
        return self._located("middlewares")

    @cached_property
    def _containers(self) -> dict[tuple[str, str], Located]:
        """Apps and routers by (module, variable name)."""
        return {(item.module, item.fact.name): item for item in self._located("apps")}  # type: ignore[attr-defined]

    def _container_key(self, module: str, name: str) -> tuple[str, str] | None:
        asked = (module, name)
        if asked not in self._container_keys:
            self._container_keys[asked] = self._find_container(module, name)
        return self._container_keys[asked]

    def _find_container(self, module: str, name: str) -> tuple[str, str] | None:
        if (module, name) in self._containers:
            return module, name
        qualified = self.symbols.qualify(module, name)
        head, _, last = qualified.rpartition(".")
        target = self.symbols.module_named(head, module) if head else None
        if target and (target, last) in self._containers:
            return target, last
        symbol = self.symbols.find(qualified, near=module)
        if symbol and (symbol.module, symbol.definition.name) in self._containers:
            return symbol.module, symbol.definition.name
        return None

    @cached_property
    def _mounts(self) -> dict[tuple[str, str], list[tuple[tuple[str, str], str, tuple[DependencyUse, ...]]]]:
        """child router -> [(parent, include prefix, include dependencies)]."""
        mounts: dict[tuple[str, str], list[tuple[tuple[str, str], str, tuple[DependencyUse, ...]]]] = {}
        for item in self._located("includes"):
            include = item.fact
            child = self._container_key(item.module, include.child)  # type: ignore[attr-defined]
            parent = self._container_key(item.module, include.parent)  # type: ignore[attr-defined]
            if child is None or parent is None:
                continue
            prefix = self.literal_text(item.module, include.prefix)  # type: ignore[attr-defined]
            deps = tuple(DependencyUse(d, item.module, None) for d in include.dependencies)  # type: ignore[attr-defined]
            mounts.setdefault(child, []).append((parent, prefix, deps))
        return mounts

    def _mounted(self, key: tuple[str, str], depth: int = 0) -> tuple[str, tuple[DependencyUse, ...]]:
        """(prefix, dependencies) a router inherits from where it is mounted (first mount wins)."""
        asked = (key, depth)
        if asked not in self._mount_chains:
            self._mount_chains[asked] = self._mount_chain(key, depth)
        return self._mount_chains[asked]

    def _mount_chain(self, key: tuple[str, str], depth: int) -> tuple[str, tuple[DependencyUse, ...]]:
        container = self._containers[key]
        fact: AppOrRouter = container.fact  # type: ignore[assignment]
        prefix = self.literal_text(container.module, fact.prefix)
        deps = tuple(DependencyUse(d, container.module, None) for d in fact.dependencies)
        mounts = self._mounts.get(key, [])
        if not mounts or depth >= _MAX_MOUNT_DEPTH:
            return prefix, deps
        parent, include_prefix, include_deps = mounts[0]
        parent_prefix, parent_deps = self._mounted(parent, depth + 1)
        return parent_prefix + include_prefix + prefix, parent_deps + include_deps + deps

    @cached_property
    def routes(self) -> list[RouteView]:
        """Every route of the project, with its full path and guarding dependencies."""
        views = []
        for item in self._located("routes"):
            route: Route = item.fact  # type: ignore[assignment]
            key = self._container_key(item.module, route.router)
            if key is None and not route.router.lower().endswith(("app", "router", "api")):
                continue
            prefix, inherited = self._mounted(key) if key else ("", ())
            handler = self.function(item.module, route.function)
            own = tuple(DependencyUse(d, item.module, None) for d in route.dependencies) if route.dependencies else ()
            params = tuple([use for use in self.param_uses(handler) if use is not None]) if handler else ()
            path = prefix + route.path
            views.append(
                RouteView(
                    route=route,
                    module=item.module,
                    file=item.path,
                    path=path,
                    handler=handler.definition if handler else None,  # type: ignore[arg-type]
                    handler_symbol=handler,
                    dependencies=inherited + own + params,
                    path_params=frozenset(_PATH_PARAM.findall(path)),
                )
            )
        return views

    def param_uses(self, function: Symbol) -> tuple[DependencyUse | None, ...]:
        """The dependency each parameter of a function receives (None for a plain parameter)."""
        uses = self._param_uses.get(function.key)
        if uses is None:
            params: tuple[Param, ...] = function.definition.params  # type: ignore[union-attr]
            uses = self._param_uses[function.key] = tuple([self.param_dependency(function.module, p) for p in params])
        return uses

    # resolution helpers ---------------------------------------------------------------------
    def function(self, module: str, name: str) -> Symbol | None:
        symbol = self.symbols.lookup(module, name)
        return symbol if symbol and isinstance(symbol.definition, Function) else None

    def klass(self, module: str, name: str) -> Symbol | None:
        symbol = self.symbols.lookup(module, name)
        return symbol if symbol and isinstance(symbol.definition, ClassInfo) else None

    def alias(self, module: str, name: str) -> Symbol | None:
        symbol = self.symbols.lookup(module, name)
        return symbol if symbol and isinstance(symbol.definition, Alias) else None

    def param_dependency(self, module: str, param: Param) -> DependencyUse | None:
        """The dependency a parameter receives, directly or through an `Annotated` alias."""
        if param.dependency is not None:
            return DependencyUse(param.dependency, module, param.name)
        if param.type_refs:
            alias = self.alias(module, param.type_refs[0])
            if alias is not None and alias.definition.dependency is not None:  # type: ignore[union-attr]
                return DependencyUse(alias.definition.dependency, alias.module, param.name)  # type: ignore[union-attr, arg-type]
        return None

    def param_source(self, module: str, param: Param) -> str | None:
        """"query", "body"... as declared on the parameter or its alias."""
        if param.source is not None:
            return param.source
        alias = self.alias(module, param.type_refs[0]) if param.type_refs else None
        return alias.definition.source if alias else None  # type: ignore[union-attr]

    def ancestors(self, symbol: Symbol) -> list[Symbol]:
        """The class and its project bases, nearest first (a depth-first approximation of the MRO);
        do not modify the list."""
        return self.remember(("ancestors", symbol.key), self._ancestors, symbol)

    def _ancestors(self, symbol: Symbol, depth: int = 0) -> list[Symbol]:
        found = [symbol]
        if depth > 8:
            return found
        for base in symbol.definition.bases:  # type: ignore[union-attr]
            parent = self.klass(symbol.module, base)
            if parent is not None and parent.key != symbol.key:
                found.extend(s for s in self._ancestors(parent, depth + 1) if s not in found)
        return found

    def external_bases(self, symbol: Symbol) -> frozenset[str]:
        """Last segments of the bases that lie outside the project: {"BaseModel"}, {"str", "Enum"}."""
        return self.remember(("external-bases", symbol.key), self._external_bases, symbol)

    def _external_bases(self, symbol: Symbol) -> frozenset[str]:
        names = set()
        for item in self.ancestors(symbol):
            for base in item.definition.bases:  # type: ignore[union-attr]
                if self.klass(item.module, base) is None:
                    names.add(base.rsplit(".", 1)[-1])
        return frozenset(names)

    def is_pydantic(self, symbol: Symbol) -> bool:
        return bool(self.external_bases(symbol) & _PYDANTIC_ROOTS)

    def is_settings(self, symbol: Symbol) -> bool:
        return bool(self.external_bases(symbol) & _SETTINGS_ROOTS)

    def is_enum(self, symbol: Symbol) -> bool:
        return bool(self.external_bases(symbol) & _ENUM_ROOTS)

    def extra_of(self, symbol: Symbol) -> tuple[str | None, Symbol]:
        """The `extra` setting in force for a model and the class that sets it (itself if unset)."""
        for item in self.ancestors(symbol):
            if item.definition.extra is not None:  # type: ignore[union-attr]
                return item.definition.extra, item  # type: ignore[union-attr]
        return None, symbol

    def env_file_of(self, symbol: Symbol) -> bool:
        return any(item.definition.env_file for item in self.ancestors(symbol))  # type: ignore[union-attr]

    def fields_of(self, symbol: Symbol) -> dict[str, tuple[Field, Symbol]]:
        """Every field of a class, its own and inherited, by name (the nearest definition wins);
        do not modify the dict."""
        return self.remember(("fields", symbol.key), self._fields_of, symbol)

    def _fields_of(self, symbol: Symbol) -> dict[str, tuple[Field, Symbol]]:
        fields: dict[str, tuple[Field, Symbol]] = {}
        for item in self.ancestors(symbol):
            for fact in item.definition.fields:  # type: ignore[union-attr]
                fields.setdefault(fact.name, (fact, item))
        return fields

    def classes(self) -> list[Symbol]:
        """Every class of the project; do not modify the list."""
        return self.symbols.classes

    # settings -------------------------------------------------------------------------------
    @cached_property
    def settings_classes(self) -> list[Symbol]:
        return [s for s in self.classes() if self.is_settings(s)]

    def settings_class_of(self, module: str, instance: str) -> Symbol | None:
        """The class of a settings object: `settings`, `get_settings()`, `config.settings`."""
        symbol = self.symbols.lookup(module, instance.removesuffix("()"))
        for _ in range(3):
            if symbol is None:
                break
            definition = symbol.definition
            if isinstance(definition, ClassInfo):
                return symbol
            if isinstance(definition, Assignment) and definition.value.call:
                symbol = self.symbols.lookup(symbol.module, definition.value.call)
            elif isinstance(definition, Function) and definition.returns:
                symbol = self.symbols.lookup(symbol.module, definition.returns[0])
            else:
                break
        if len(self.settings_classes) == 1 and _SETTINGS_NAME.search(instance):
            return self.settings_classes[0]
        return None

    def settings_field(self, module: str, ref: str) -> tuple[Field | None, str, Symbol] | None:
        """(field or None for a computed one, field name, settings class) of `settings.FIELD`."""
        instance, _, name = ref.rpartition(".")
        if not _INSTANCE.match(instance):
            return None
        owner = self.settings_class_of(module, instance)
        if owner is None or not self.is_settings(owner):
            return None
        fields = self.fields_of(owner)
        if name in fields:
            return fields[name][0], name, owner
        computed = {c for item in self.ancestors(owner) for c, _ in item.definition.computed}  # type: ignore[union-attr]
        return (None, name, owner) if name in computed else None

    def computed_reads(self, owner: Symbol, name: str) -> tuple[str, ...]:
        """Fields a computed settings property reads: all_cors_origins -> ("BACKEND_CORS_ORIGINS",)."""
        for item in self.ancestors(owner):
            for computed, reads in item.definition.computed:  # type: ignore[union-attr]
                if computed == name:
                    return tuple(r.split(".")[1] for r in reads)
        return ()

    def literal_text(self, module: str, value: Value | None) -> str:
        """A prefix's text: the literal, a settings field's literal default, or ""."""
        if value is None:
            return ""
        if isinstance(value.literal, str):
            return value.literal
        if len(value.refs) == 1:
            found = self.settings_field(module, value.refs[0])
            if found and found[0] and found[0].default and isinstance(found[0].default.literal, str):
                return found[0].default.literal
        return ""

    def middlewares_named(self, *names: str) -> list[Located]:
        """Middlewares whose class's last name is one of `names`."""
        return [m for m in self.middlewares if m.fact.cls.rsplit(".", 1)[-1] in names]  # type: ignore[attr-defined]


def fastapi_model(project: Project) -> FastAPIModel:
    """The project's FastAPI model, built once per audit and shared by every project rule; it
    notes what it reads of the Python facts in `project.reads`."""
    return project.derived("fastapi", lambda p: FastAPIModel(list(p.unnoted_facts_of(PYTHON)), p.reads))


__all__ = ["DependencyUse", "FastAPIModel", "Located", "RouteView", "fastapi_model"]
