"""SEC001: a secret literal moves to the environment, with a placeholder in `.env.example`.

Shapes fixed:
- a `BaseSettings` field with a literal default (`SECRET_KEY: str = "changeme"`) loses the
  default, so the app refuses to start without the secret;
- a module- or class-level `NAME = "literal"` outside settings becomes `NAME = os.environ["NAME"]`;
- a `KEY=value` line of a committed `.env` keeps its key and gets the value `change-me`
  (`.gitignore` is left alone: ignoring `.env` would hide it from the audit).
The old value stays in git history, so each fix but a placeholder's says: rotate it. Secrets in
other places (call arguments, frontend code, Dockerfiles) are left to a person.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers import _settings
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.rules.python._secret_patterns import is_placeholder

PLACEHOLDER = "change-me"
_DOTENV_VALUE = re.compile(r"^(?P<key>\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*)(?P<value>.*?)"
                           r"(?P<comment>\s+#.*)?$")


def fix(files: Workspace, finding: Finding) -> str | None:
    name = PurePosixPath(finding.path).name
    if name == ".env" or (name.startswith(".env.") and name != ".env.example"):
        return _replace_env_value(files, finding)
    if not finding.path.endswith(".py"):
        raise Unfixable(f"the secret in {finding.path} must move to the backend's environment; "
                        "frontend bundles and images cannot keep a secret; rotate it")
    line = locate(files, finding)
    module = py.load(files, finding.path)
    field = module.at_line(line, cst.AnnAssign)
    owner = module.enclosing(field, cst.ClassDef) if field is not None else None
    if field is not None and owner is not None and "BaseSettings" in py.base_names(owner):
        return _drop_default(files, module, field)
    assign = module.at_line(line, cst.Assign)
    if assign is not None and module.enclosing(assign, cst.FunctionDef) is None and _single_name(assign):
        return _read_environment(files, module, assign)
    if field is not None and isinstance(field.target, cst.Name) and module.enclosing(field, cst.FunctionDef) is None:
        return _read_environment(files, module, field)
    raise Unfixable(f"the secret at {finding.path}:{line} is not assigned to a name: move it to a settings "
                    "field read from the environment and pass that instead; rotate it")


def _single_name(assign: cst.Assign) -> bool:
    return len(assign.targets) == 1 and isinstance(assign.targets[0].target, cst.Name)


def _literal(value: cst.BaseExpression | None) -> bool:
    return isinstance(value, (cst.SimpleString, cst.ConcatenatedString)) or (
        isinstance(value, cst.Call) and py.last_name(value.func) == "SecretStr"
        and bool(value.args) and isinstance(value.args[0].value, cst.SimpleString))


def _drop_default(files: Workspace, module: py.PyFile, field: cst.AnnAssign) -> str | None:
    if field.value is None:
        return None
    if not _literal(field.value):
        raise Unfixable(f"the default of `{module.code(field.target)}` is not a plain literal: "
                        "remove the secret from it by hand and rotate it")
    name = module.code(field.target)
    py.save(files, module.path, module.replace(field, field.with_changes(value=None, equal=cst.MaybeSentinel.DEFAULT)))
    _settings.document_env(files, name.upper(), PLACEHOLDER)
    return _rotate(name, module.path, module.code(field.value))


def _read_environment(files: Workspace, module: py.PyFile, node: cst.Assign | cst.AnnAssign) -> str | None:
    target = node.targets[0].target if isinstance(node, cst.Assign) else node.target
    name = module.code(target)
    if not _literal(node.value):
        return None
    reader = cst.parse_expression(f'os.environ["{name.upper()}"]')
    py.save(files, module.path, py.with_import(module.replace(node.value, reader), "os"))  # type: ignore[arg-type]
    _settings.document_env(files, name.upper(), PLACEHOLDER)
    return _rotate(name, module.path, module.code(node.value))  # type: ignore[arg-type]


def _replace_env_value(files: Workspace, finding: Finding) -> str | None:
    """`KEY=real-value` becomes `KEY=change-me` on the finding's line of a committed env file."""
    line = locate(files, finding)
    lines = files.read(finding.path).splitlines(keepends=True)
    text = lines[line - 1].rstrip("\r\n")
    match = _DOTENV_VALUE.match(text)
    if match is None or text.lstrip().startswith("#"):
        raise Unfixable(f"the secret at {finding.path}:{line} is not a `KEY=value` line: remove it by hand and rotate it")
    value = match.group("value")
    lines[line - 1] = f"{match.group('key')}{PLACEHOLDER}{match.group('comment') or ''}{lines[line - 1][len(text):]}"
    files.write(finding.path, "".join(lines))
    return _rotate(match.group("name"), finding.path, value)


def _rotate(name: str, path: str, old_value: str) -> str | None:
    """What a person must still do: the replaced value is in git history unless it was a placeholder."""
    if is_placeholder(old_value.strip("'\"")):
        return None
    return f"the old value of `{name}` ({path}) is in git history: rotate it"
