"""CORS001/002/003: `CORSMiddleware` with origins from a `pydantic-settings` field and credentials on.

Shapes fixed: `app.add_middleware(CORSMiddleware, ...)` and `Middleware(CORSMiddleware, ...)`
whose `allow_origins` is a list literal (wildcard or not), a name bound to one, or read from
`os.environ`/`os.getenv`; a catch-all `allow_origin_regex`; a missing or false
`allow_credentials`; a settings field whose default is `["*"]`. The origins come from the
project's existing CORS field (`BACKEND_CORS_ORIGINS`...) or a new `cors_origins: list[str]`
field whose default keeps the concrete origins the code had (`[]` instead of a wildcard), so the
app keeps working; `.env.example` documents the key. A project without a settings class gets a
`config.py` beside the app.
"""

from __future__ import annotations

import json
import re

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers import _settings
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding

EXAMPLE_ORIGINS = '["http://localhost:5173"]'


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    field = module.at_line(line, cst.AnnAssign)
    owner = module.enclosing(field, cst.ClassDef) if field else None
    if field is not None and owner is not None and "BaseSettings" in py.base_names(owner):
        _fix_settings_default(files, finding.path, line)
        return
    calls = module.nodes(cst.Call, _is_cors_middleware)
    call = module.at_line(line, cst.Call, _is_cors_middleware) or (calls[0] if len(calls) == 1 else None)
    if call is None:
        raise Unfixable(f"no `CORSMiddleware(...)` call at {finding.path}:{line} to rewrite")
    _fix_middleware(files, finding.path, module, call)


def _is_cors_middleware(call: cst.Call) -> bool:
    return bool(call.args) and py.last_name(call.args[0].value) == "CORSMiddleware" and py.last_name(call.func) in (
        "add_middleware", "Middleware")


def _fix_middleware(files: Workspace, path: str, module: py.PyFile, call: cst.Call) -> None:
    settings = _settings.settings_for(files, near=path)
    origins = py.keyword(call, "allow_origins")
    new_call = call
    if not _reads_settings(origins, settings):
        field = _origins_field(files, settings, _literal_origins(module, origins))
        new_call = py.set_keyword(new_call, "allow_origins", f"{settings.instance}.{field}")
    regex = py.keyword(call, "allow_origin_regex")
    if regex is not None and _matches_anything(regex.value):
        new_call = py.remove_keyword(new_call, "allow_origin_regex")
    credentials = py.keyword(call, "allow_credentials")
    if credentials is None or not (isinstance(credentials.value, cst.Name) and credentials.value.value == "True"):
        new_call = py.set_keyword(new_call, "allow_credentials", "True")
    if new_call is call:
        return
    fresh = py.load(files, path)  # the settings edits may have changed this very file
    same = next(c for c in fresh.nodes(cst.Call, _is_cors_middleware) if c.deep_equals(call))
    py.save(files, path, _without_unused_origins(fresh.replace(same, new_call), origins))
    py.import_name(files, path, settings.path, settings.instance)


def _without_unused_origins(module: cst.Module, origins: cst.Arg | None) -> cst.Module:
    """Drop `origins = [...]` at module level once the middleware no longer reads it."""
    if origins is None or not isinstance(origins.value, cst.Name):
        return module
    name = origins.value.value
    if py.name_is_read(module, name):
        return module
    return module.with_changes(body=[s for s in module.body if not _assigns(s, name)])


def _assigns(statement: cst.BaseStatement, name: str) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(s, cst.Assign) and [t.target for t in s.targets if isinstance(t.target, cst.Name) and t.target.value == name]
        for s in statement.body
    )


def _reads_settings(origins: cst.Arg | None, settings: _settings.SettingsClass) -> bool:
    name = py.dotted(origins.value) if origins else None
    return bool(name and name.startswith(f"{settings.instance}."))


def _origins_field(files: Workspace, settings: _settings.SettingsClass, literal: list[str] | None) -> str:
    existing = _settings.field_matching(files, settings, r"cors|origin")
    if existing:
        _settings.ensure_env_file(files, settings)
        _settings.document_env(files, existing.upper(), EXAMPLE_ORIGINS)
        return existing
    concrete = [origin for origin in literal or [] if origin != "*"]
    default = json.dumps(concrete) if literal else "[]"
    example = json.dumps(concrete) if concrete else EXAMPLE_ORIGINS
    return _settings.ensure_field(files, settings, "cors_origins", "{name}: list[str] = " + default + "\n", example)


def _literal_origins(module: py.PyFile, origins: cst.Arg | None) -> list[str] | None:
    """The origins a list literal (or a module-level name bound to one) holds, else None."""
    value: cst.BaseExpression | None = origins.value if origins else None
    if isinstance(value, cst.Name):
        value = _bound_value(module, value.value)
    if isinstance(value, (cst.List, cst.Tuple)):
        strings = [e.value for e in value.elements if isinstance(e.value, cst.SimpleString)]
        if len(strings) == len(value.elements):
            return [str(s.evaluated_value) for s in strings]
    return None


def _bound_value(module: py.PyFile, name: str) -> cst.BaseExpression | None:
    for assign in module.nodes(cst.Assign):
        if any(isinstance(t.target, cst.Name) and t.target.value == name for t in assign.targets):
            return assign.value
    return None


def _matches_anything(value: cst.BaseExpression) -> bool:
    if not isinstance(value, cst.SimpleString):
        return False
    try:
        return re.fullmatch(str(value.evaluated_value), "https://attacker.example") is not None
    except re.error:
        return False


def _fix_settings_default(files: Workspace, path: str, line: int) -> None:
    """A settings field defaulting to `["*"]`: default to no origins, documented in `.env.example`."""
    module = py.load(files, path)
    field = module.at_line(line, cst.AnnAssign)
    assert field is not None and isinstance(field.target, cst.Name)
    wildcard = [e for e in module.nodes(cst.SimpleString) if e.evaluated_value == "*" and module.enclosing(e, cst.AnnAssign) is field]
    if not wildcard:
        raise Unfixable(f"the settings field at {path}:{line} has no `\"*\"` default to replace")
    empty = cst.SimpleString('""') if isinstance(field.value, cst.SimpleString) else cst.List([])
    py.save(files, path, module.replace(field, field.with_changes(value=empty)))
    _settings.document_env(files, field.target.value.upper(), EXAMPLE_ORIGINS)
