"""Which names in one file hold the application's settings object, file-locally.

A settings object is one bound by `from app.core.config import settings`, `settings = Settings()`,
`get_settings()`, `Depends(get_settings)`, or a `BaseSettings` subclass of this file. A settings
class of this file whose secret-named fields are all `SecretStr` is safe to print and is left out.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.pyast import FunctionNode, dotted_name, last_name, nodes_of

_CONFIG_MODULE = lazy_compile(r"(?:^|\.)(?:config|settings|conf|configuration)(?:$|\.)")
_OBJECT_NAMES = frozenset({"settings", "config", "cfg", "conf", "app_settings", "app_config", "SETTINGS", "CONFIG"})
_SECRET_FIELD = lazy_compile(r"secret|password|passwd|token|api_?key|private|credential|dsn|database_ur[il]", re.I)
_NOT_A_SECRET = lazy_compile(r"(?:expire|expires|expiry|minutes|seconds|hours|days|ttl|length|algorithm|name|header|prefix)$", re.I)
_SAFE_TYPES = ("SecretStr", "SecretBytes")
_GETTER = lazy_compile(r"get_(?:\w+_)?(?:settings|config)")


def is_secret_field(name: str, annotation: str = "") -> bool:
    """A settings field holding a secret in plain text: `SECRET_KEY: str`, `DATABASE_URL`;
    not `SECRET_KEY: SecretStr`, not `ACCESS_TOKEN_EXPIRE_MINUTES`."""
    return bool(_SECRET_FIELD.search(name)) and not _NOT_A_SECRET.search(name) and not any(t in annotation for t in _SAFE_TYPES)


@dataclass
class SettingsNames:
    """The names, classes, getters and config modules that denote settings in this file."""

    objects: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    getters: set[str] = field(default_factory=set)
    modules: set[str] = field(default_factory=set)
    secret_fields: set[str] | None = None  # the plain-text secret fields of this file's settings classes, if any

    def is_settings(self, node: ast.AST | None) -> bool:
        """`settings`, `get_settings()`, `config.settings`: the whole settings object."""
        if isinstance(node, ast.Name):
            return node.id in self.objects
        if isinstance(node, ast.Call):
            return not node.args and last_name(node.func) in self.getters
        if isinstance(node, ast.Attribute):
            return isinstance(node.value, ast.Name) and node.value.id in self.modules and node.attr in _OBJECT_NAMES
        return False

    def with_parameters(self, function: FunctionNode) -> SettingsNames:
        """These names plus the function's parameters typed or injected as settings."""
        if not (self.classes or self.getters):
            return self  # nothing to be typed or injected with
        params = {
            a.arg
            for a in (*function.args.args, *function.args.kwonlyargs)
            if self._injected(a.annotation)
        }
        params |= {a.arg for a, d in zip(reversed(function.args.args), reversed(function.args.defaults)) if self._injected(d)}
        params |= {a.arg for a, d in zip(function.args.kwonlyargs, function.args.kw_defaults) if self._injected(d)}
        return SettingsNames(self.objects | params, self.classes, self.getters, self.modules, self.secret_fields) if params else self

    def _injected(self, node: ast.AST | None) -> bool:
        if isinstance(node, ast.Subscript) and last_name(node.value) == "Annotated":
            items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return any(self._injected(item) for item in items)
        if isinstance(node, ast.Call) and last_name(node.func) == "Depends" and node.args:
            return last_name(node.args[0]) in self.getters
        return last_name(node) in self.classes if isinstance(node, (ast.Name, ast.Attribute)) else False


def settings_names(tree: ast.Module) -> SettingsNames:
    """Read the file's imports, settings classes, getters and assignments, from the module's node index.

    Each kind is read on its own (no order between them matters): the index answers one kind
    without sorting.
    """
    names = SettingsNames()
    safe: set[str] = set()
    for node in nodes_of(tree, ast.ImportFrom):
        if isinstance(node, ast.ImportFrom) and node.module and _CONFIG_MODULE.search(node.module):
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name in _OBJECT_NAMES:
                    names.objects.add(local)
                elif alias.name.startswith("get_"):
                    names.getters.add(local)
                elif alias.name.endswith(("Settings", "Config")):
                    names.classes.add(local)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.modules.update(a.asname or a.name for a in node.names if a.name in ("config", "settings"))
    for node in nodes_of(tree, ast.ClassDef):
        if isinstance(node, ast.ClassDef) and any((last_name(b) or "").endswith("BaseSettings") for b in node.bases):
            secrets = _secret_fields(node)
            (names.classes if secrets else safe).add(node.name)
            names.secret_fields = (names.secret_fields or set()) | secrets
    for node in (*nodes_of(tree, ast.FunctionDef), *nodes_of(tree, ast.AsyncFunctionDef)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _GETTER.fullmatch(node.name):
            names.getters.add(node.name)
    if names.classes or names.getters:  # only a call of one of them binds a settings object
        for node in nodes_of(tree, ast.Assign):
            value = node.value  # type: ignore[attr-defined]
            if isinstance(value, ast.Call) and (last_name(value.func) in names.classes or last_name(value.func) in names.getters):
                names.objects.update(t.id for t in node.targets if isinstance(t, ast.Name))  # type: ignore[attr-defined]
    names.classes -= safe
    return names


def _secret_fields(cls: ast.ClassDef) -> set[str]:
    """The class's fields that hold a secret in plain text."""
    return {
        statement.target.id
        for statement in cls.body
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
        and is_secret_field(statement.target.id, dotted_name(statement.annotation) or ast.unparse(statement.annotation))
    }
