"""SEC002: a logged or printed settings object becomes `settings.model_dump(exclude={<its secrets>})`.

Shapes fixed: the project's settings instance (the module-level `settings = Settings()` of its
`BaseSettings` class) passed whole to a logger or `print`, also inside an f-string
(`logger.info(f"Loaded settings: {settings}")`), or dumped whole (`settings.model_dump()`,
`settings.dict()`, `vars(settings)`, `settings.__dict__`). The exclusion names every field of
the class that holds a secret in plain text, as SEC002 sees it. A settings object returned from
a route, one from `get_settings()`, and a class with no secret fields to leave out are left to
a person.
"""

from __future__ import annotations

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers import _settings
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding
from cynic.rules.python._settings import is_secret_field

WHOLE_DUMPS = frozenset({"model_dump", "dict"})


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    settings = _settings.find_settings(files)
    if settings is None:
        raise Unfixable("cannot find the project's `settings = Settings()`: log only the fields you need")
    secrets = _secret_fields(files, settings)
    if not secrets:
        raise Unfixable(f"`{settings.name}` has no plain-text secret field to leave out: log only the fields you need")
    module = py.load(files, finding.path)
    output = module.at_line(line, cst.Call, _is_output)
    leaks = [node for node in module.nodes(cst.CSTNode, lambda n: _is_whole(n, settings.instance))
             if output is not None and _inside(module, node, output)]
    if not leaks:
        raise Unfixable(f"no logger or `print` call given `{settings.instance}` whole at {finding.path}:{line}: "
                        "log only the fields you need")
    replacements = {node: _dump(settings.instance, secrets, _quote_inside(module, node)) for node in leaks}
    py.save(files, finding.path, module.replace_all(replacements))


def _secret_fields(files: Workspace, settings: _settings.SettingsClass) -> list[str]:
    found = py.find_class(files, settings.name)
    fields = py.class_fields(found[1]) if found else {}
    return [name for name, field in fields.items() if is_secret_field(name, cst.Module([]).code_for_node(field.annotation.annotation))]


def _is_output(call: cst.Call) -> bool:
    """`print(...)`, `logger.info(...)`, `logging.warning(...)`."""
    name = py.dotted(call.func) or ""
    receiver, _, method = name.rpartition(".")
    return name in ("print", "pprint", "rich.print") or ("log" in receiver.lower() and method in (
        "debug", "info", "warning", "warn", "error", "exception", "critical", "log"))


def _is_whole(node: cst.CSTNode, instance: str) -> bool:
    """`settings` read as a value, `settings.model_dump()`, `settings.dict()`, `vars(settings)`, `settings.__dict__`."""
    if isinstance(node, cst.Call):
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in WHOLE_DUMPS and not node.args:
            return _is_instance(node.func.value, instance)
        return py.dotted(node.func) == "vars" and len(node.args) == 1 and _is_instance(node.args[0].value, instance)
    if isinstance(node, cst.Attribute) and node.attr.value == "__dict__":
        return _is_instance(node.value, instance)
    return _is_instance(node, instance)


def _is_instance(node: cst.CSTNode, instance: str) -> bool:
    return isinstance(node, cst.Name) and node.value == instance


def _inside(module: py.PyFile, node: cst.CSTNode, call: cst.Call) -> bool:
    """True when `node` is one of `call`'s arguments or inside one, and not part of a larger whole dump."""
    parent = module.parents.get(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:
        return False  # `settings.FIELD`, or the `settings` of `settings.model_dump()`, counted as the dump
    if isinstance(parent, cst.Arg) and py.dotted(getattr(module.parents.get(parent), "func", None)) == "vars":
        return False  # the `settings` of `vars(settings)`, counted as the dump
    current = parent
    while current is not None and current is not call:
        current = module.parents.get(current)
    return current is call and node is not call.func


def _quote_inside(module: py.PyFile, node: cst.CSTNode) -> str:
    """The quote a string inside `node` must use: the other one inside an f-string."""
    current = module.parents.get(node)
    while current is not None and not isinstance(current, cst.FormattedString):
        current = module.parents.get(current)
    return "'" if current is not None and '"' in current.start else '"'


def _dump(instance: str, secrets: list[str], quote: str) -> cst.BaseExpression:
    names = ", ".join(f"{quote}{name}{quote}" for name in secrets)
    return cst.parse_expression(f"{instance}.model_dump(exclude={{{names}}})")
