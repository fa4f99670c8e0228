"""Facts about HTML sinks in one script: markup rendered as HTML, and whether it was sanitized.

Sinks: React's `dangerouslySetInnerHTML={{ __html: value }}`, `element.innerHTML = value` (also
`outerHTML`, on any expression: `document.getElementById("x")!.innerHTML`) and
`element.insertAdjacentHTML(position, value)`. A value is sanitized when it is constant markup,
comes out of DOMPurify / sanitize-html / xss (any local name), a function named for sanitizing or
escaping (`sanitizeHtml`, `escapeHtml`), a local helper or `useMemo` returning one of those, or a
template whose every substitution is one of those or a number. A call to a helper imported from
another file of the project is left for the project rule to judge (`HtmlSink.helper`), with the
names of the functions each file exports that sanitize (`sanitizing_functions`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.tsjs import (
    FUNCTION_TYPES, Node, ScriptTree, arguments, callee_name, function_name, inside, line, object_property,
    string_value, text, unwrap,
)
from cynic.parsing.tsjs_keywords import WRAPPERS, arrow_functions, source_order
from cynic.project import Fact

SANITIZER_MODULES = frozenset({"dompurify", "isomorphic-dompurify", "sanitize-html", "xss"})
_SANITIZER_NAME = lazy_compile(r"saniti[sz]e|purify|(?<!un)escape", re.I)
_SANITIZER_WORDS = ("saniti", "purify", "escape")  # one in every `_SANITIZER_NAME` match, lowered
_NUMERIC_PROPERTIES = frozenset({"length", "size"})
_NUMERIC_CALLS = lazy_compile(r"^(?:Number|parseInt|parseFloat|Math\.\w+)$|\.(?:toFixed|toPrecision|toLocale\w*String|toISOString)$")
_NUMERIC_CALL_WORDS = ("Number", "parse", "Math.", ".to")  # one in every `_NUMERIC_CALLS` match
_DOM_SINKS = ("innerHTML", "outerHTML")
# Every sink is an attribute, property or method name spelt out in the file's text.
_SINK_WORDS = ("dangerouslySetInnerHTML", "innerHTML", "outerHTML", "insertAdjacentHTML")
SANITIZED, RAW, UNTRACED = "sanitized", "raw", "untraced"


class HtmlSink(Fact):
    """Markup rendered as HTML. `verdict` is sanitized, raw or untraced (`__html` not found).

    `helper` names the imported function whose return value is the markup, when that function
    (in another file) decides the verdict; `react` is False for the DOM sinks.
    """

    line: int
    rendered: str
    verdict: str
    react: bool
    helper: str | None = None


def html_sinks(tree: ScriptTree, sanitizer_imports: set[str], imported: set[str]) -> Iterator[HtmlSink]:
    """Every HTML sink in the file with its verdict (see the module docstring)."""
    if not tree.mentions(_SINK_WORDS):
        return
    for attribute in tree.jsx_attributes("dangerouslySetInnerHTML"):
        name = attribute.named_children[0] if attribute.named_children else None
        if name is None or text(name) != "dangerouslySetInnerHTML" or len(attribute.named_children) < 2:
            continue
        value = attribute.named_children[1]
        expression = unwrap(value.named_children[0]) if value.type == "jsx_expression" and value.named_children else None
        html = _html_of(expression, tree)
        if html is None:
            yield HtmlSink(line(attribute), text(expression)[:60], UNTRACED, True)
        else:
            yield _judged(line(attribute), html, tree, sanitizer_imports, imported, react=True)
    for assignment in tree.assignments_to(_DOM_SINKS):
        left = unwrap(assignment.child_by_field_name("left"))
        prop = left.child_by_field_name("property") if left is not None and left.type == "member_expression" else None
        if prop is not None and text(prop) in _DOM_SINKS and assignment.children[1].type == "=":
            yield _judged(line(assignment), assignment.child_by_field_name("right"), tree, sanitizer_imports, imported, react=False)
    for call, name in tree.calls_naming(("insertAdjacentHTML",)):
        args = arguments(call)
        if name.endswith("insertAdjacentHTML") and len(args) == 2:
            yield _judged(line(call), args[1], tree, sanitizer_imports, imported, react=False)


def sanitizing_functions(tree: ScriptTree, sanitizer_imports: set[str]) -> Iterator[str]:
    """Names of the file's named functions whose every return is sanitized markup. What each
    returns is judged in source order, up to the first one that is not."""
    for function, returned in _named_functions_returning(tree):
        if all(is_sanitized(value, tree, sanitizer_imports, 4) for value in returned):
            yield function_name(function)


def _returns_sanitized(function: Node, tree: ScriptTree, sanitizers: set[str], depth: int) -> bool:
    """Does `function` return something, and nothing but sanitized markup? Its returns are judged
    in source order, up to the first one that is not."""
    returned = False
    for value in tree.returned_expressions(function):
        if not is_sanitized(value, tree, sanitizers, depth):
            return False
        returned = True
    return returned


def _named_functions_returning(tree: ScriptTree) -> list[tuple[Node, list[Node]]]:
    """The named functions that return something (the declared functions, then the variables'
    function values, `const f = () => ...`, each in source order), with what each returns, in
    source order: what `returned_expressions` yields.

    Found from what is returned rather than from every function: a `return` with a value belongs
    to the innermost function around it (when it is in that function's body), and an arrow with
    an expression body returns that expression. A function with neither returns nothing.
    """
    returns: dict[Node, list[Node]] = {}
    for statement in tree.nodes("return_statement"):
        if statement.named_children and (function := _innermost_function(statement)) is not None:
            returns.setdefault(function, []).append(statement)
    found: list[tuple[Node, list[Node]]] = []
    for function, statements in returns.items():
        body = function.child_by_field_name("body")
        if body is not None and body.type == "statement_block" and _is_named(function):
            values = [statement.named_children[0] for statement in statements if inside(statement, body)]
            if values:
                found.append((function, values))
    # arrows from the places `=>` is spelt; in a tree with errors, the variables' function values
    arrows = arrow_functions(tree.root, tree.source) if tree.error_line is None else _function_values(tree)
    for function in arrows:
        body = function.child_by_field_name("body")
        if body is not None and body.type != "statement_block" and _is_variable_value(function):
            found.append((function, [body]))
    return sorted(found, key=lambda pair: (pair[0].type != "function_declaration", *source_order(pair[0])))


def _innermost_function(node: Node) -> Node | None:
    """The innermost function around `node`, if any: read up its parents."""
    node = node.parent
    while node is not None and node.type not in FUNCTION_TYPES:
        node = node.parent
    return node


def _is_named(function: Node) -> bool:
    """Is `function` a declared function or a variable's function value?"""
    return function.type == "function_declaration" or (function.type in ("arrow_function", "function_expression") and _is_variable_value(function))


def _is_variable_value(function: Node) -> bool:
    """Is `function` the value of a variable, through parentheses and casts, as `_function_values` reads it?"""
    holder = function.parent
    while holder is not None and holder.type in WRAPPERS:
        holder = holder.parent
    return holder is not None and holder.type == "variable_declarator" and unwrap(holder.child_by_field_name("value")) == function


def _function_values(tree: ScriptTree) -> Iterator[Node]:
    """`const f = (...) => ...` and `const f = function (...) {...}`."""
    for declarator in tree.nodes("variable_declarator"):
        value = unwrap(declarator.child_by_field_name("value"))
        if value is not None and value.type in ("arrow_function", "function_expression"):
            yield value


def _judged(at: int, html: Node | None, tree: ScriptTree, sanitizers: set[str], imported: set[str], *, react: bool) -> HtmlSink:
    html = unwrap(html)
    if is_sanitized(html, tree, sanitizers):
        return HtmlSink(at, text(html)[:60], SANITIZED, react)
    helper = None
    if html is not None and html.type == "call_expression":
        name = callee_name(html)
        function = tree.resolve(html.child_by_field_name("function"))
        if name.partition(".")[0] in imported and function is not None and function.type in ("identifier", "member_expression"):
            helper = name
    return HtmlSink(at, text(html)[:60], RAW, react, helper)


def _html_of(expression: Node | None, tree: ScriptTree) -> Node | None:
    """The `__html` value of `{{ __html: x }}`, of a variable holding it, or of `createMarkup()`."""
    resolved = tree.resolve(expression)
    if resolved is not None and resolved.type == "call_expression":
        function = tree.resolve(resolved.child_by_field_name("function"))
        returned = list(tree.returned_expressions(function)) if function is not None and "function" in function.type else []
        resolved = tree.resolve(returned[0]) if len(returned) == 1 else None
    value = object_property(resolved, "__html")
    return unwrap(value) if value is not None else None


def is_sanitized(node: Node | None, tree: ScriptTree, sanitizers: set[str], depth: int = 4) -> bool:
    """True when the value is constant markup, a number, or comes out of a sanitizer."""
    node = unwrap(node)
    if node is None or depth == 0:
        return False
    kind = node.type
    if kind in ("null", "undefined", "number", "true", "false"):
        return True
    if kind in ("string", "template_string") and string_value(node) is not None:
        return True  # a template without substitutions
    if kind in ("identifier", "shorthand_property_identifier"):
        resolved = tree.resolve(node)
        return resolved is not None and resolved.type != kind and is_sanitized(resolved, tree, sanitizers, depth - 1)
    if kind == "template_string":
        substitutions = [c.named_children[0] for c in node.named_children if c.type == "template_substitution" and c.named_children]
        return all(is_sanitized(s, tree, sanitizers, depth - 1) for s in substitutions)
    if kind == "member_expression":
        return text(node.child_by_field_name("property")) in _NUMERIC_PROPERTIES
    if kind == "ternary_expression":
        return all(is_sanitized(node.child_by_field_name(f), tree, sanitizers, depth - 1) for f in ("consequence", "alternative"))
    if kind == "binary_expression" and text(node.child_by_field_name("operator")) in ("??", "||", "+"):
        return all(is_sanitized(node.child_by_field_name(f), tree, sanitizers, depth - 1) for f in ("left", "right"))
    if kind != "call_expression":
        return False
    return _call_is_sanitized(node, tree, sanitizers, depth)


def _names_a_sanitizer(name: str) -> bool:
    """`_SANITIZER_NAME` searched only where its words are: an ASCII name, lowered, holds one of
    them wherever the pattern (which ignores case) matches."""
    if name.isascii() and not any(word in name.lower() for word in _SANITIZER_WORDS):
        return False
    return _SANITIZER_NAME.search(name) is not None


def _is_numeric_call(name: str) -> bool:
    """`_NUMERIC_CALLS` searched only where one of the words every match holds is."""
    return any(word in name for word in _NUMERIC_CALL_WORDS) and _NUMERIC_CALLS.search(name) is not None


def _call_is_sanitized(node: Node, tree: ScriptTree, sanitizers: set[str], depth: int) -> bool:
    name = callee_name(node)
    if name.partition(".")[0] in sanitizers or _names_a_sanitizer(name.rpartition(".")[2]) or _is_numeric_call(name):
        return True
    args = arguments(node) if name in ("useMemo", "React.useMemo", "useCallback") else []
    if args:
        return "function" in args[0].type and all(is_sanitized(r, tree, sanitizers, depth - 1) for r in tree.returned_expressions(args[0]))
    function = tree.resolve(node.child_by_field_name("function"))
    return function is not None and "function" in function.type and _returns_sanitized(function, tree, sanitizers, depth - 1)
