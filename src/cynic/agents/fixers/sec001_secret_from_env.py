"""SEC001: a secret literal moves to the environment, with a placeholder in `.env.example`.

Shapes fixed:
- a `BaseSettings` field with a literal default (`SECRET_KEY: str = "changeme"`) loses the
  default, so the app refuses to start without the secret;
- a module- or class-level `NAME = "literal"` outside settings becomes `NAME = os.environ["NAME"]`.
A committed `.env` cannot be fixed by editing (the secret is in git history): `.env` is added to
`.gitignore` and the finding stays open, asking for rotation. Secrets in other places (call
arguments, frontend code, Dockerfiles) are left to a person.
"""

from __future__ import annotations

from pathlib import PurePosixPath

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers import _settings
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding

PLACEHOLDER = "change-me"


def fix(files: Workspace, finding: Finding) -> None:
    name = PurePosixPath(finding.path).name
    if name == ".env" or (name.startswith(".env.") and name != ".env.example"):
        _ignore_env_file(files, finding.path)
    if not finding.path.endswith(".py"):
        raise Unfixable(f"the secret in {finding.path} must move to the backend's environment; "
                        "frontend bundles and images cannot keep a secret; rotate it")
    line = locate(files, finding)
    module = py.load(files, finding.path)
    field = module.at_line(line, cst.AnnAssign)
    owner = module.enclosing(field, cst.ClassDef) if field is not None else None
    if field is not None and owner is not None and "BaseSettings" in py.base_names(owner):
        _drop_default(files, module, field)
        return
    assign = module.at_line(line, cst.Assign)
    if assign is not None and module.enclosing(assign, cst.FunctionDef) is None and _single_name(assign):
        _read_environment(files, module, assign)
        return
    if field is not None and isinstance(field.target, cst.Name) and module.enclosing(field, cst.FunctionDef) is None:
        _read_environment(files, module, field)
        return
    raise Unfixable(f"the secret at {finding.path}:{line} is not assigned to a name: move it to a settings "
                    "field read from the environment and pass that instead; rotate it")


def _single_name(assign: cst.Assign) -> bool:
    return len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)


def _literal(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) or (
        isinstance(value, cst.Call) and py.last_name(value.func) == "SecretStr"
        and bool(value.args) and isinstance(value.args[0].value, cst.SimpleString))


def _drop_default(files: Workspace, module: py.PyFile, field: cst.AnnAssign) -> None:
    if field.value is None:
        return
    if not _literal(field.value):
        raise Unfixable(f"the default of `{module.code(field.target)}` is not a plain literal: "
                        "remove the secret from it by hand and rotate it")
    name = module.code(field.target)
    py.save(files, module.path, module.replace(field, field.with_changes(value=None, equal=cst.MaybeSentinel.DEFAULT)))
    _settings.document_env(files, name.upper(), PLACEHOLDER)


def _read_environment(files: Workspace, module: py.PyFile, node: cst.Assign | cst.AnnAssign) -> None:
    target = node.targets[0].target if isinstance(node, cst.Assign) else node.target
    name = module.code(target)
    if not _literal(node.value):
        return
    reader = cst.parse_expression(f'os.environ["{name.upper()}"]')
    py.save(files, module.path, py.with_import(module.replace(node.value, reader), "os"))  # type: ignore[arg-type]
    _settings.document_env(files, name.upper(), PLACEHOLDER)


def _ignore_env_file(files: Workspace, path: str) -> None:
    ignore = ".gitignore"
    text = files.read(ignore) if files.exists(ignore) else ""
    entries = {line.strip().lstrip("/") for line in text.splitlines()}
    if path not in entries and PurePosixPath(path).name not in entries:
        files.write(ignore, f"{text}{'' if not text or text.endswith(chr(10)) else chr(10)}{path}\n")
    raise Unfixable(f"the secrets in {path} are in git history: rotate every one of them, then "
                    f"`git rm --cached {path}` ({path} is listed in .gitignore)", keep_edits=True)
