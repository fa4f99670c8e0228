"""Read a class definition into `ClassInfo`: fields, pydantic configuration, computed fields."""

from __future__ import annotations

import ast

from cynic.parsing.pyast import call_name, const_str, dotted_name, expression_text, keyword, last_name, walk
from cynic.project._python_values import SourceTexts, remember, refs_of
from cynic.project.python_facts import ClassInfo, Field, Value

_CONFIG_ATTRS = frozenset({"model_config", "__tablename__", "__table_args__", "Config"})
_PROPERTY_DECORATORS = frozenset({"property", "computed_field", "cached_property"})


def class_info(node: ast.ClassDef, name: str, texts: SourceTexts) -> ClassInfo:
    """The facts of one class definition (its methods are collected as functions elsewhere);
    `texts` are its module's."""
    fields: list[Field] = []
    extra = _extra_value(keyword_value(node, "extra"))
    env_file = False
    has_tablename = False
    computed: list[tuple[str, tuple[str, ...]]] = []
    attr_types: list[tuple[str, str]] = []
    for statement in node.body:
        target, annotation, value = _assignment_parts(statement)
        if target == "model_config" and value is not None:
            extra = _config_extra(value) or extra
            env_file = env_file or _config_has(value, "env_file")
        elif target == "__tablename__":
            has_tablename = True
        elif target and target not in _CONFIG_ATTRS:
            fields.append(_field(target, statement.lineno, annotation, value, texts))
        kind = type(statement)
        if kind is ast.ClassDef and statement.name == "Config":  # type: ignore[attr-defined]
            config = {t: v for t, _, v in map(_assignment_parts, statement.body) if t and v is not None}  # type: ignore[attr-defined]
            extra = _extra_value(config.get("extra")) or extra
            env_file = env_file or "env_file" in config
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            if {last_name(d) for d in statement.decorator_list} & _PROPERTY_DECORATORS:  # type: ignore[attr-defined]
                computed.append((statement.name, tuple(r for r in refs_of(statement) if r.startswith("self."))))
            if statement.name == "__init__":
                attr_types.extend(_init_attribute_types(statement))
    return ClassInfo(
        name=name,
        line=node.lineno,
        bases=tuple(dotted_name(base) or expression_text(base) for base in node.bases),
        keywords=tuple((kw.arg, texts.summarize(kw.value)) for kw in node.keywords if kw.arg),
        fields=tuple(fields),
        extra=extra,
        env_file=env_file,
        has_tablename=has_tablename,
        computed=tuple(computed),
        attr_types=tuple(attr_types),
    )


def keyword_value(node: ast.ClassDef, name: str) -> ast.expr | None:
    return next((kw.value for kw in node.keywords if kw.arg == name), None)


def _assignment_parts(statement: ast.stmt) -> tuple[str | None, ast.expr | None, ast.expr | None]:
    kind = type(statement)
    if kind is ast.AnnAssign:
        target = statement.target  # type: ignore[attr-defined]
        if type(target) is ast.Name:
            return target.id, statement.annotation, statement.value  # type: ignore[attr-defined]
    elif kind is ast.Assign:
        targets = statement.targets  # type: ignore[attr-defined]
        if len(targets) == 1 and type(targets[0]) is ast.Name:
            return targets[0].id, None, statement.value  # type: ignore[attr-defined]
    return None, None, None


# What a field's annotation and value tell, by their source texts (see `SourceTexts`).
_FIELD_PARTS: dict[tuple[str | None, str | None], tuple[str | None, tuple[str, ...], Value | None]] = {}


def _field(name: str, line: int, annotation: ast.expr | None, value: ast.expr | None, texts: SourceTexts) -> Field:
    written = (texts.of(annotation) if annotation is not None else None, texts.of(value) if value is not None else None)
    if (annotation is not None and written[0] is None) or (value is not None and written[1] is None):
        return Field(name, line, *_field_parts(annotation, value, texts))
    parts = _FIELD_PARTS.get(written)
    if parts is None:
        parts = remember(_FIELD_PARTS, written, _field_parts(annotation, value, texts))
    return Field(name, line, *parts)


def _field_parts(annotation: ast.expr | None, value: ast.expr | None, texts: SourceTexts) -> tuple[str | None, tuple[str, ...], Value | None]:
    """The annotation's text, the names the annotation and the value read, and the value's summary."""
    default = texts.summarize(value) if value is not None else None
    refs = refs_of(annotation) if default is None else refs_of(annotation) + default.refs
    return expression_text(annotation) if annotation is not None else None, tuple(dict.fromkeys(refs)), default


def _config_extra(value: ast.expr) -> str | None:
    """`extra` of `ConfigDict(extra=...)`, `SettingsConfigDict(...)` or `{"extra": ...}`."""
    if type(value) is ast.Call:
        return _extra_value(keyword(value, "extra"))
    if type(value) is ast.Dict:
        for key, item in zip(value.keys, value.values, strict=True):
            if const_str(key) == "extra":
                return _extra_value(item)
    return None


def _config_has(value: ast.expr, name: str) -> bool:
    if type(value) is ast.Call:
        return keyword(value, name) is not None
    if type(value) is ast.Dict:
        return any(const_str(key) == name for key in value.keys)
    return False


def _extra_value(node: ast.expr | None) -> str | None:
    """"forbid" for `"forbid"`, `Extra.forbid`, `"FORBID"`; None when unset or not readable."""
    if node is None:
        return None
    text = const_str(node) or last_name(node) or ""
    return text.lower() or None


def _init_attribute_types(init: ast.FunctionDef | ast.AsyncFunctionDef) -> list[tuple[str, str]]:
    """`self.repo = ItemRepository(session)` or `self.repo = repo` (with `repo: ItemRepository`)."""
    annotations = {a.arg: expression_text(a.annotation) for a in init.args.args if a.annotation is not None}
    found: list[tuple[str, str]] = []
    for statement in walk(init):
        target, annotation, value = None, None, None
        if type(statement) is ast.Assign and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif type(statement) is ast.AnnAssign:
            target, annotation, value = statement.target, statement.annotation, statement.value
        name = dotted_name(target) if target is not None else None
        if not (name and name.startswith("self.") and name.count(".") == 1):
            continue
        if annotation is not None:
            found.append((name[5:], expression_text(annotation)))
        elif type(value) is ast.Call and call_name(value):
            found.append((name[5:], call_name(value) or ""))
        elif type(value) is ast.Name and value.id in annotations:
            found.append((name[5:], annotations[value.id]))
    return found
