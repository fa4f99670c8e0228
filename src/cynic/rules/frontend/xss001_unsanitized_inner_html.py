"""XSS001: HTML rendered with dangerouslySetInnerHTML (or innerHTML) without DOMPurify."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.parsing.tsjs import (
    Node, ScriptTree, arguments, callee_name, dotted_name, line, object_property, returned_expressions,
    string_value, text, unwrap,
)
from cynic.project.js_facts import imports
from cynic.rules.base import FileRule, Hit
from cynic.source import FileKind, SourceFile

SANITIZER_MODULES = frozenset({"dompurify", "isomorphic-dompurify", "sanitize-html", "xss"})
_SANITIZER_NAME = re.compile(r"saniti[sz]e|purify", re.I)
_HTML_SINKS = (".innerHTML", ".outerHTML")


class UnsanitizedInnerHtml(FileRule):
    """HTML is rendered from a value that was not sanitized.

    ## What it does
    Finds `dangerouslySetInnerHTML={{ __html: value }}` where `value` is not the result of
    `DOMPurify.sanitize(...)`. The sanitizer is recognised directly, through a variable
    (`const clean = DOMPurify.sanitize(html)`), a `useMemo(() => DOMPurify.sanitize(html), [html])`,
    a default or named import of `dompurify` / `isomorphic-dompurify` under any name, and a local
    helper that returns it. A constant string (`__html: "<br/>"`) carries no input and is not
    reported. `element.innerHTML = value` assignments are reported the same way, with medium
    confidence. The finding sits on the `dangerouslySetInnerHTML` attribute.

    ## Why is this bad?
    Markup from users, a CMS, markdown or an API response can carry `<img onerror=...>` or
    `<script>`: rendered raw it runs in the app's origin (stored or reflected XSS), reads what
    the page can read and acts as the logged-in user.

    ## Example
    ```tsx src/components/Comment.tsx
    export function Comment({ body }: { body: string }) {
      return <div className="comment" dangerouslySetInnerHTML={{ __html: body }} />;
    }
    ```

    ## Use instead
    ```tsx src/components/Comment.tsx
    import DOMPurify from "dompurify";

    export function Comment({ body }: { body: string }) {
      return <div className="comment" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(body) }} />;
    }
    ```

    ## References
    - CWE-79: Improper Neutralization of Input During Web Page Generation
    - React docs: dangerouslySetInnerHTML
    - OWASP Cross Site Scripting Prevention Cheat Sheet
    """

    code = "XSS001"
    name = "unsanitized-inner-html"
    severity = Severity.HIGH
    cwe = (79,)
    fix = "Pass the markup through DOMPurify first: `dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }}`, or render it as text."
    kinds = frozenset({FileKind.SCRIPT})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        tree: ScriptTree = source.tree
        sanitizers = {i.local for i in imports(tree) if i.module.lower() in SANITIZER_MODULES}
        for attribute in tree.nodes("jsx_attribute"):
            name = attribute.named_children[0] if attribute.named_children else None
            if name is None or text(name) != "dangerouslySetInnerHTML" or len(attribute.named_children) < 2:
                continue
            value = attribute.named_children[1]
            expression = unwrap(value.named_children[0]) if value.type == "jsx_expression" and value.named_children else None
            html = _html_of(expression, tree)
            if html is None:
                yield self.hit(source.path, line(attribute), "dangerouslySetInnerHTML gets markup cynic cannot trace to DOMPurify.sanitize.", confidence=Confidence.MEDIUM)
            elif not is_sanitized(html, tree, sanitizers):
                yield self.hit(source.path, line(attribute), f"dangerouslySetInnerHTML renders `{text(html)[:60]}` without DOMPurify.sanitize.")
        for assignment in tree.nodes("assignment_expression"):
            target = dotted_name(assignment.child_by_field_name("left"))
            right = assignment.child_by_field_name("right")
            if target.endswith(_HTML_SINKS) and assignment.children[1].type == "=" and not is_sanitized(right, tree, sanitizers):
                yield self.hit(source.path, line(assignment), f"`{target}` is assigned `{text(right)[:60]}` without DOMPurify.sanitize.", confidence=Confidence.MEDIUM)


def _html_of(expression: Node | None, tree: ScriptTree) -> Node | None:
    """The `__html` value of `{{ __html: x }}`, of a variable holding it, or of `createMarkup()`."""
    resolved = tree.resolve(expression)
    if resolved is not None and resolved.type == "call_expression":
        function = tree.resolve(resolved.child_by_field_name("function"))
        returned = returned_expressions(function) if function is not None and "function" in function.type else []
        resolved = tree.resolve(returned[0]) if len(returned) == 1 else None
    value = object_property(resolved, "__html")
    return unwrap(value) if value is not None else None


def is_sanitized(node: Node | None, tree: ScriptTree, sanitizers: set[str], depth: int = 4) -> bool:
    """True when the value is constant markup or comes out of a sanitizer."""
    node = unwrap(node)
    if node is None or depth == 0:
        return False
    if string_value(node) is not None or node.type in ("null", "undefined"):
        return True
    if node.type in ("identifier", "shorthand_property_identifier"):
        resolved = tree.resolve(node)
        return resolved is not None and resolved.type != node.type and is_sanitized(resolved, tree, sanitizers, depth - 1)
    if node.type == "ternary_expression":
        return all(is_sanitized(node.child_by_field_name(f), tree, sanitizers, depth - 1) for f in ("consequence", "alternative"))
    if node.type == "binary_expression" and text(node.child_by_field_name("operator")) in ("??", "||"):
        return all(is_sanitized(node.child_by_field_name(f), tree, sanitizers, depth - 1) for f in ("left", "right"))
    if node.type != "call_expression":
        return False
    name = callee_name(node)
    head = name.partition(".")[0]
    if head in sanitizers or _SANITIZER_NAME.search(name.rpartition(".")[2]) or name == "DOMPurify.sanitize":
        return True
    args = arguments(node)
    if name in ("useMemo", "React.useMemo", "useCallback") and args:
        return all(is_sanitized(r, tree, sanitizers, depth - 1) for r in returned_expressions(args[0])) if "function" in args[0].type else False
    function = tree.resolve(node.child_by_field_name("function"))
    if function is not None and "function" in function.type:
        returned = returned_expressions(function)
        return bool(returned) and all(is_sanitized(r, tree, sanitizers, depth - 1) for r in returned)
    return False
