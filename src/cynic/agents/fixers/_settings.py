"""The project's `pydantic-settings` class: find it (or create one), add fields, document them.

A setting is only compliant when it is loaded from `.env`, so adding a field also makes sure the
class has `env_file` in its `model_config`, and documents the key in `.env.example`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._dependencies import add_python_dependency
from cynic.agents.fixers._workspace import Workspace
from cynic.source import FileKind

NEW_SETTINGS_MODULE = '''"""Settings read from the environment and from the `.env` file."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")


settings = Settings()
'''


@dataclass(frozen=True)
class SettingsClass:
    path: str
    name: str
    instance: str  # the module-level `settings = Settings()` name


def find_settings(files: Workspace) -> SettingsClass | None:
    """The project's `BaseSettings` subclass that has a module-level instance."""
    for path in files.files(FileKind.PYTHON):
        if "BaseSettings" not in files.read(path):
            continue
        module = py.load(files, path).module
        classes = [s.name.value for s in module.body if isinstance(s, cst.ClassDef) and "BaseSettings" in py.base_names(s)]
        for name in classes:
            instance = _instance_of(module, name)
            if instance:
                return SettingsClass(path, name, instance)
    return None


def settings_for(files: Workspace, near: str) -> SettingsClass:
    """The project's settings, or a new `config.py` beside `near` when the project has none."""
    found = find_settings(files)
    if found:
        return found
    folder = PurePosixPath(near).parent
    path = str(folder / "config.py") if str(folder) != "." else "config.py"
    if files.exists(path):
        path = str(folder / "settings.py") if str(folder) != "." else "settings.py"
    files.write(path, NEW_SETTINGS_MODULE)
    add_python_dependency(files, "pydantic-settings")
    return SettingsClass(path, "Settings", "settings")


def field_matching(files: Workspace, settings: SettingsClass, pattern: str) -> str | None:
    """The first settings field (or property) whose name matches the regex `pattern`."""
    cls = _class(files, settings)
    names = [*py.class_fields(cls), *(s.name.value for s in cls.body.body if isinstance(s, cst.FunctionDef))]
    return next((n for n in names if re.search(pattern, n, re.I)), None)


def ensure_field(files: Workspace, settings: SettingsClass, name: str, declaration: str, example: str) -> str:
    """Add the field `name: ...` (written as `declaration` with `{name}`) unless present; return its name.

    The name follows the class's case convention (`COOKIE_SECURE` beside `SECRET_KEY`).
    """
    cls = _class(files, settings)
    fields = py.class_fields(cls)
    existing = next((f for f in fields if f.lower() == name.lower()), None)
    if existing is None:
        upper = sum(f.isupper() for f in fields) > len(fields) / 2
        existing = name.upper() if upper else name.lower()
        _edit_class(files, settings, lambda c: py.insert_in_class(c, declaration.format(name=existing)))
    ensure_env_file(files, settings)
    document_env(files, existing.upper(), example)
    return existing


def ensure_env_file(files: Workspace, settings: SettingsClass) -> None:
    """Make the class read `.env`: `model_config = SettingsConfigDict(env_file=".env", ...)`."""
    cls = _class(files, settings)
    config = _model_config(cls)
    if config is not None and py.keyword(config, "env_file") is not None:
        return
    if any(isinstance(s, cst.ClassDef) and s.name.value == "Config" and "env_file" in cst.Module([]).code_for_node(s)
           for s in cls.body.body):
        return
    if config is None:
        _edit_class(files, settings, lambda c: py.insert_in_class(
            c, 'model_config = SettingsConfigDict(env_file=".env", extra="ignore")\n', first=True))
        py.add_import(files, settings.path, "pydantic_settings", "SettingsConfigDict")
        return
    module = py.load(files, settings.path).module
    cls = next(s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == settings.name)
    call = _model_config(cls)
    if call is not None:
        py.save(files, settings.path, module.deep_replace(call, py.set_keyword(call, "env_file", '".env"')))  # type: ignore[arg-type]


def document_env(files: Workspace, key: str, value: str) -> None:
    """Add `KEY=value` to `.env.example` (created at the project root when there is none)."""
    path = _env_example_path(files)
    text = files.read(path) if files.exists(path) else ""
    if re.search(rf"^\s*(export\s+)?{re.escape(key)}\s*=", text, re.M | re.I):
        return
    if text and not text.endswith("\n"):
        text += "\n"
    files.write(path, f"{text}{key}={value}\n")


def _env_example_path(files: Workspace) -> str:
    examples = [p for p in files.files(FileKind.DOTENV) if PurePosixPath(p).name == ".env.example"]
    return min(examples, key=lambda p: p.count("/"), default=".env.example")


def _instance_of(module: cst.Module, class_name: str) -> str | None:
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
                target = small.targets[0].target if isinstance(small, cst.Assign) else getattr(small, "target", None)
                if isinstance(value, cst.Call) and py.dotted(value.func) == class_name and isinstance(target, cst.Name):
                    return target.value
    return None


def _class(files: Workspace, settings: SettingsClass) -> cst.ClassDef:
    module = py.load(files, settings.path).module
    return next(s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == settings.name)


def _edit_class(files: Workspace, settings: SettingsClass, edit: Callable[[cst.ClassDef], cst.ClassDef]) -> None:
    module = py.load(files, settings.path).module
    cls = next(s for s in module.body if isinstance(s, cst.ClassDef) and s.name.value == settings.name)
    py.save(files, settings.path, module.deep_replace(cls, edit(cls)))  # type: ignore[arg-type]


def _model_config(cls: cst.ClassDef) -> cst.Call | None:
    for statement in cls.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else (
                    [small.target] if isinstance(small, cst.AnnAssign) else [])
                if any(isinstance(t, cst.Name) and t.value == "model_config" for t in targets):
                    value = small.value  # type: ignore[union-attr]
                    return value if isinstance(value, cst.Call) else None
    return None
