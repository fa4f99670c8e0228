"""Where a `CORSMiddleware`'s settings come from, shared by CORS001, CORS002 and CORS003."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from cynic.project.fastapi import FastAPIModel, Located
from cynic.project.python_facts import Assignment, ClassInfo, Middleware, Value

_PROBE_ORIGINS = ("https://attacker.example", "http://evil.test:8080")


class Origin(NamedTuple):
    """A CORS argument traced to where its value comes from."""

    kind: str  # "literal" (in source), "env" (read by hand), "settings" (a BaseSettings field), "unknown"
    values: tuple[object, ...] | None  # the literal values when known
    env_file: bool = False  # for "settings": the settings class reads a .env file
    where: str = ""  # "settings.BACKEND_CORS_ORIGINS", "ORIGINS", the literal text


def cors_middlewares(model: FastAPIModel) -> Iterator[tuple[Located, dict[str, Value]]]:
    """Each `CORSMiddleware` with its keyword arguments."""
    for item in model.middlewares_named("CORSMiddleware"):
        fact: Middleware = item.fact  # type: ignore[assignment]
        yield item, dict(fact.kwargs)


def trace(model: FastAPIModel, module: str, value: Value, depth: int = 0) -> Origin:
    """Follow a value through module constants and settings fields to its source."""
    if value.reads_env:
        return Origin("env", None, where=value.text)
    if value.literal is not ...:
        literal = value.literal if isinstance(value.literal, tuple) else (value.literal,)
        return Origin("literal", literal, where=value.text)
    for ref in value.refs:
        found = model.settings_field(module, ref)
        if found is not None:
            field, name, owner = found
            names = (name,) if field is not None else model.computed_reads(owner, name)
            fields = model.fields_of(owner)
            values: list[object] = []
            for read in names:
                default = fields[read][0].default if read in fields else None
                if default is not None and isinstance(default.literal, tuple):
                    values.extend(default.literal)
                elif default is not None and default.literal is not ...:
                    values.append(default.literal)
            return Origin("settings", tuple(values), env_file=model.env_file_of(owner), where=ref)
        if depth < 3:
            traced = _trace_name(model, module, ref, depth)
            if traced is not None:
                return traced
    return Origin("unknown", None, where=value.text)


def _trace_name(model: FastAPIModel, module: str, ref: str, depth: int) -> Origin | None:
    """A module constant (`ORIGINS = [...]`) or a plain config class attribute (`Config.ORIGINS`)."""
    symbol = model.symbols.lookup(module, ref)
    if symbol is not None and isinstance(symbol.definition, Assignment):
        traced = trace(model, symbol.module, symbol.definition.value, depth + 1)
        return traced if traced.kind != "unknown" else None
    owner, _, name = ref.rpartition(".")
    klass = model.settings_class_of(module, owner) if owner else None
    if klass is not None and isinstance(klass.definition, ClassInfo):
        field = model.fields_of(klass).get(name)
        if field and field[0].default is not None:
            traced = trace(model, klass.module, field[0].default, depth + 1)
            return traced if traced.kind != "unknown" else None
    return None


def matches_any_origin(pattern: object) -> bool:
    """True for an origin regex such as `.*` or `https?://.*` that lets any site in."""
    if not isinstance(pattern, str):
        return False
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(compiled.fullmatch(origin) for origin in _PROBE_ORIGINS)
