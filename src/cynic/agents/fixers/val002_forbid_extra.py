"""VAL002: a request model rejects unknown fields with `model_config = ConfigDict(extra="forbid")`.

Shapes fixed: the model class at the finding's line, or the model a route parameter at that
line is typed with: an existing `model_config = ConfigDict(...)` gets `extra="forbid"`, a
pydantic v1 style `class Config` gets `extra = "forbid"`, otherwise `model_config` is added after
the docstring. A SQLModel `table=True` class used as a body is left to a person (it needs a
separate request model), as is a base class that a table model inherits.
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.source import FileKind

FORBID = '"forbid"'


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    cls = module.at_line(line, cst.ClassDef)
    path = finding.path
    if cls is None:
        param = module.at_line(line, cst.Param)
        name = py.last_name(param.annotation.annotation) if param is not None and param.annotation else None
        found = py.find_class(files, name) if name else None
        if found is None:
            raise Unfixable(f"no model class at {finding.path}:{line}")
        path, cls = found
        module = py.load(files, path)
        cls = next(c for c in module.nodes(cst.ClassDef) if c.deep_equals(cls))
    if any(a.keyword and a.keyword.value == "table" for a in cls.keywords):
        raise Unfixable(f"`{cls.name.value}` is a table model used as a request body: add a request model "
                        "with `extra=\"forbid\"` and build the row from it")
    if _is_table_base(files, cls.name.value):
        raise Unfixable(f"`{cls.name.value}` is a base of a table model: forbid extra fields on the "
                        "request models that inherit it instead")
    edited = _forbid(cls)
    if edited is None:
        return
    new_module = module.replace(cls, edited)
    if "ConfigDict(" in new_module.code and not py.binds_name(new_module, "ConfigDict"):
        new_module = py.with_import(new_module, "pydantic", "ConfigDict")
    py.save(files, path, new_module)


def _forbid(cls: cst.ClassDef) -> cst.ClassDef | None:
    """The class with extra fields forbidden, or None when it already forbids them."""
    for statement in cls.body.body:
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(assign := statement.body[0], cst.Assign):
            if py.dotted(assign.targets[0].target) == "model_config" and isinstance(assign.value, cst.Call):
                extra = py.keyword(assign.value, "extra")
                if extra is not None and py.is_string(extra.value, "forbid"):
                    return None
                return cls.deep_replace(assign.value, py.set_keyword(assign.value, "extra", FORBID))  # type: ignore[return-value]
        if isinstance(statement, cst.ClassDef) and statement.name.value == "Config":
            return cls.deep_replace(statement, _forbid_in_config(statement))  # type: ignore[return-value]
    return py.insert_in_class(cls, f"model_config = ConfigDict(extra={FORBID})\n", first=True)


def _forbid_in_config(config: cst.ClassDef) -> cst.ClassDef:
    for statement in config.body.body:
        if isinstance(statement, cst.SimpleStatementLine) and isinstance(assign := statement.body[0], cst.Assign):
            if py.dotted(assign.targets[0].target) == "extra":
                return config.deep_replace(assign.value, cst.parse_expression(FORBID))  # type: ignore[return-value]
    return py.insert_in_class(config, f"extra = {FORBID}\n")


def _is_table_base(files: Workspace, name: str) -> bool:
    for path in files.files(FileKind.PYTHON):
        if "table=True" not in files.read(path):
            continue
        for cls in py.load(files, path).nodes(cst.ClassDef):
            if name in py.base_names(cls) and any(a.keyword and a.keyword.value == "table" for a in cls.keywords):
                return True
    return False
