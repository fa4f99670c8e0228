"""Turn a SQL string built from values into SQL text with placeholders and the values to bind.

A built string is read as segments, literal SQL and interpolated expressions. An expression
inside a quoted SQL literal (`'{name}'`, `'%{q}%'`) turns the whole literal into one
parameter (`f"%{q}%"`); an expression outside quotes becomes a parameter only where SQL expects a
value (after `=`, `<`, `LIKE`, `LIMIT`, inside `VALUES (...)`, ...). Anything else, an identifier
or a keyword spliced in, cannot be bound and is refused.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

import libcst as cst

VALUE_POSITION = re.compile(r"(=|<|>|\blike|\bilike|\blimit|\boffset|\bbetween|\bbetween\s+\S+\s+and|,|\()\s*$", re.I)
LIST_POSITION = re.compile(r"\bin\s*\(\s*$", re.I)


class CannotBind(Exception):
    """The string splices in something that is not a value; the message says what."""


@dataclass
class Bound:
    sql: str
    values: list[tuple[str, str]] = field(default_factory=list)  # (parameter name, Python code)


Segment = str | cst.BaseExpression  # literal SQL as written in the source, or an expression spliced in


def quoting(node: cst.BaseExpression) -> str:
    """The quote of the first string literal of a built string, reused for the plain SQL."""
    if isinstance(node, (cst.SimpleString, cst.FormattedString)):
        return node.quote
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        return quoting(node.func.value)
    if isinstance(node, cst.BinaryOperation):
        return quoting(node.left)
    return '"'


def segments(node: cst.BaseExpression) -> list[Segment] | None:
    """The parts of an f-string, a `%` or `.format()` string, or a `+` chain; None for other nodes."""
    code = cst.Module([]).code_for_node
    if isinstance(node, cst.FormattedString):
        parts: list[Segment] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value.replace("{{", "{").replace("}}", "}"))
            elif part.conversion or part.format_spec:  # type: ignore[union-attr]
                raise CannotBind(f"`{{{code(part.expression)}...}}` is formatted, not spliced as a value")  # type: ignore[union-attr]
            else:
                parts.append(part.expression)  # type: ignore[union-attr]
        return parts
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute) and node.func.attr.value == "format":
        return _format_segments(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo) and isinstance(node.left, cst.SimpleString):
        return _percent_segments(node)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = segments(node.left), segments(node.right)
        if left is None and right is None:
            return None
        return [*(left or [node.left]), *(right or [node.right])]
    if isinstance(node, cst.SimpleString) and "r" not in node.prefix.lower():
        return [node.raw_value]
    return None


def _format_segments(call: cst.Call) -> list[Segment] | None:
    template = call.func.value  # type: ignore[union-attr]
    if not isinstance(template, cst.SimpleString):
        return None
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    named = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
    parts: list[Segment] = []
    automatic = 0
    for literal, name, spec, conversion in string.Formatter().parse(template.raw_value):
        parts.append(literal)
        if name is None:
            continue
        if spec or conversion:
            raise CannotBind(f"`{{{name}}}` is formatted, not spliced as a value")
        if name == "":
            name, automatic = str(automatic), automatic + 1
        value = positional[int(name)] if name.isdigit() and int(name) < len(positional) else named.get(name)
        if value is None:
            raise CannotBind(f"`{{{name}}}` has no plain argument")
        parts.append(value)
    return parts


def _percent_segments(node: cst.BinaryOperation) -> list[Segment] | None:
    template = node.left.raw_value  # type: ignore[union-attr]
    right = node.right
    values = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
    named = {str(e.key.evaluated_value): e.value for e in right.elements if isinstance(e, cst.DictElement)
             and isinstance(e.key, cst.SimpleString)} if isinstance(right, cst.Dict) else {}
    parts: list[Segment] = []
    position = 0
    for index, piece in enumerate(re.split(r"(%(?:\([^)]*\))?[sdif]|%%)", template)):
        if index % 2 == 0:
            parts.append(piece)
        elif piece == "%%":
            parts.append("%")
        elif piece.startswith("%("):
            if piece[2:-2] not in named:
                raise CannotBind(f"`{piece}` has no value")
            parts.append(named[piece[2:-2]])
        else:
            if named or position >= len(values):
                raise CannotBind("the `%` values do not match the placeholders")
            parts.append(values[position])
            position += 1
    return parts


def bind(parts: list[Segment], placeholder: str) -> Bound:
    """SQL with a placeholder per value: `placeholder` is ":{name}", "?" or "%s"."""
    bound = Bound(sql="")
    names: dict[str, str] = {}
    quoted: list[Segment] | None = None  # the parts of an open '...' literal
    for part in parts:
        if isinstance(part, str):
            pieces = part.split("'")
            for index, piece in enumerate(pieces):
                if index and quoted is None:  # a quote opens a literal
                    quoted = []
                elif index:  # a quote closes it
                    _close_literal(bound, quoted, names, placeholder)
                    quoted = None
                if quoted is not None:
                    quoted.append(piece)
                else:
                    bound.sql += piece.replace("%", "%%") if placeholder == "%s" else piece
            continue
        if quoted is not None:
            quoted.append(part)
        elif VALUE_POSITION.search(bound.sql) and not LIST_POSITION.search(bound.sql):
            bound.sql += _parameter(bound, names, part, placeholder)
        else:
            raise CannotBind(f"`{cst.Module([]).code_for_node(part)}` is spliced where SQL expects a name or a "
                             "keyword, not a value: bind-parameters cannot replace it; use an allow-list")
    if quoted is not None:
        raise CannotBind("the SQL has an unclosed quote")
    return bound


def _close_literal(bound: Bound, quoted: list[Segment], names: dict[str, str], placeholder: str) -> None:
    if all(isinstance(p, str) for p in quoted):
        bound.sql += "'" + "".join(quoted) + "'"  # type: ignore[arg-type]
        return
    expressions = [p for p in quoted if not isinstance(p, str)]
    if len(quoted) == 1 or (len(expressions) == 1 and all(p == "" for p in quoted if isinstance(p, str))):
        bound.sql += _parameter(bound, names, expressions[0], placeholder)
        return
    code = cst.Module([]).code_for_node
    text = "".join(p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{" + code(p) + "}" for p in quoted)
    quote = "'" if '"' in text else '"'
    bound.sql += _parameter(bound, names, cst.parse_expression(f"f{quote}{text}{quote}"), placeholder, hint=expressions[0])


def _parameter(bound: Bound, names: dict[str, str], value: cst.BaseExpression, placeholder: str,
               hint: cst.BaseExpression | None = None) -> str:
    if isinstance(value, cst.Call) and py_name(value.func) == "str" and len(value.args) == 1:
        value = value.args[0].value  # the driver converts; str(user_id) only served the splicing
    code = cst.Module([]).code_for_node(value)
    if placeholder != ":{name}":
        bound.values.append(("", code))
        return placeholder
    if code not in names:
        name = _name_for(hint or value, len(bound.values))
        taken = {n for n, _ in bound.values}
        base, suffix = name, 2
        while name in taken:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names[code] = name
        bound.values.append((name, code))
    return f":{names[code]}"


def py_name(node: cst.BaseExpression) -> str | None:
    return node.value if isinstance(node, cst.Name) else None


def _name_for(value: cst.BaseExpression, index: int) -> str:
    if isinstance(value, cst.Call) and value.args and len(value.args) == 1:
        value = value.args[0].value  # str(user_id) -> user_id
    if isinstance(value, cst.Name):
        return value.value
    if isinstance(value, cst.Attribute):
        dotted = cst.Module([]).code_for_node(value)
        return dotted.replace(".", "_") if dotted.replace(".", "").isidentifier() else value.attr.value
    return f"param_{index + 1}"
