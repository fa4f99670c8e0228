"""TypeScript / JavaScript with tree-sitter: one parse per file, nodes on demand, shared readers.

`parse_script` picks the grammar by suffix (`.ts/.mts/.cts` TypeScript, `.tsx` TSX, everything
else JavaScript, whose grammar reads JSX) and parses; nothing more. Readers ask the `ScriptTree`
for what they need: statements, declarations and assignments (`nodes`) are found from their
keywords, and calls and JSX attributes from the names the reader looks for (`calls_naming`,
`jsx_attributes`), each with a lookup at the places the word is spelt (`tsjs_keywords`), and so
are the declarations of the few names `resolve` follows in most files. Only a reader that needs
every call, or a tree with errors, gets the index of the whole tree: one query in C, run once
and shared. Most files are never walked at all.

A file with a syntax error still yields its recovered tree: tree-sitter keeps every statement
around the error, so rules audit what could be read and the file is also listed as skipped
(incomplete) with the line of its first error. Nothing is dropped silently.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cynic.parsing.tsjs_keywords import (
    KEYWORDS, WRAPPERS, assignments_to, attributes_naming, calls_holding, calls_naming, declarations_named, keyword_nodes,
    source_order,
)

Node = Any  # tree_sitter.Node; the grammar packages are imported lazily

INDEXED_TYPES = (
    "call_expression", "new_expression", "assignment_expression", "variable_declarator",
    "import_statement", "jsx_attribute", "export_statement", "function_declaration", "return_statement",
)
_SPELLINGS_LOOKED_UP = 32  # a name spelt more often is resolved from the table of every declaration
FUNCTION_TYPES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition", "generator_function_declaration", "function"}
)


def dialect_of(suffix: str) -> str:
    """The grammar a file suffix needs: "typescript", "tsx" or "javascript"."""
    if suffix in (".ts", ".mts", ".cts"):
        return "typescript"
    if suffix == ".tsx":
        return "tsx"
    return "javascript"


@dataclass
class ScriptTree:
    """A parsed script: its text, its root, where it first failed, and its nodes by type on demand."""

    text: str
    source: bytes  # `text` as parsed, UTF-8
    root: Node
    dialect: str
    error_line: int | None  # set exactly when the tree has errors (`root.has_error`, asked once)
    _by_keyword: dict[str, list[Node]] = field(default_factory=dict, repr=False)
    _by_type: dict[str, list[Node]] | None = field(default=None, repr=False)
    _by_name: dict[str, list[Node]] | None = field(default=None, repr=False)
    _declared: dict[str, list[Node]] = field(default_factory=dict, repr=False)  # by name, before `_by_name` is built
    _scopes: dict[Node, Node | None] = field(default_factory=dict, repr=False)  # for `_scope_of`
    _calls: list[tuple[Node, str]] | None = field(default=None, repr=False)
    _lowered: bytes | None = field(default=None, repr=False)  # for `lowered_source`
    _assigned: dict[tuple[str, ...], list[Node]] = field(default_factory=dict, repr=False)  # for `assignments_to`
    _starts: dict[str, tuple[list[Node], list[int]]] = field(default_factory=dict, repr=False)  # for `nodes_in`

    def lowered_source(self) -> bytes:
        """`source` with its ASCII capitals lowered (`bytes.lower`), for the readers that look for
        a word in any case: made once per file."""
        if self._lowered is None:
            self._lowered = self.source.lower()
        return self._lowered

    def mentions(self, words: tuple[str, ...]) -> bool:
        """Does the file's text contain any of `words`? A cheap screen before reading any node."""
        for word in words:
            if word in self.text:
                return True
        return False

    def nodes(self, node_type: str) -> list[Node]:
        """Every node of an indexed type, in source order: from its keywords when it has some and
        the tree has no error, else from the index of the whole tree, built on first use."""
        if self._by_type is None and node_type in KEYWORDS and self.error_line is None:
            if node_type not in self._by_keyword:
                self._by_keyword[node_type] = keyword_nodes(self.root, self.source, node_type)
            return self._by_keyword[node_type]
        if self._by_type is None:
            import tree_sitter

            captures = tree_sitter.QueryCursor(_index_query(self.dialect)).captures(self.root)
            self._by_type = {name: sorted(found, key=source_order) for name, found in captures.items()}
        return self._by_type.get(node_type, [])

    def nodes_in(self, node_type: str, node: Node) -> list[Node]:
        """Every node of an indexed type inside `node` (not `node` itself), in source order, by
        byte range: those that start within it are found by a search of the nodes' starts."""
        found = self.nodes(node_type)
        listed = self._starts.get(node_type)
        if listed is None or listed[0] is not found:  # `nodes` answers from another list once the whole index is built
            listed = self._starts[node_type] = (found, [n.start_byte for n in found])
        start, end = node.start_byte, node.end_byte
        within = found[bisect_left(listed[1], start) : bisect_right(listed[1], end)]
        return [n for n in within if n.end_byte <= end and n != node]

    def calls(self) -> list[tuple[Node, str]]:
        """Every call and `new` expression with its callee's dotted name, computed once."""
        if self._calls is None:
            found = self.nodes("call_expression") + self.nodes("new_expression")
            self._calls = [(call, callee_name(call)) for call in sorted(found, key=source_order)]
        return self._calls

    def calls_naming(self, words: tuple[str, ...]) -> list[tuple[Node, str]]:
        """Calls and `new` expressions with their callee's dotted name, at least all those whose
        callee's names (`a.b.c`) hold one of `words` (`"fetch"` finds `fetch`, `window.fetch`, `ofetch`)."""
        if self.error_line is not None:
            return self.calls()
        return [(call, callee_name(call)) for call in calls_naming(self.root, self.source, words)]

    def calls_holding(self, spans: list[tuple[int, int]]) -> list[tuple[Node, str]]:
        """Calls and `new` expressions with their callee's dotted name, at least all those whose
        byte range holds one of `spans` (the calls around some words' spellings)."""
        if self.error_line is not None:
            return self.calls()
        return [(call, callee_name(call)) for call in calls_holding(self.root, spans)]

    def assignments_to(self, words: tuple[str, ...]) -> list[Node]:
        """Assignments, at least all those whose target (through parentheses and casts) is a
        property with one of `words` in its name (`el.innerHTML = x`), in source order; found once
        per file for the same words (a reader may ask once per call it reads)."""
        if self.error_line is not None:
            return self.nodes("assignment_expression")
        if words not in self._assigned:
            self._assigned[words] = assignments_to(self.root, self.source, words)
        return self._assigned[words]

    def declared_names(self) -> Collection[str]:
        """The names `resolve` can follow: those of the file's variables and declared functions."""
        return self._declarators().keys()

    def jsx_attributes(self, name: str) -> list[Node]:
        """JSX attributes, at least all those named `name`, in source order."""
        if self.error_line is not None:
            return self.nodes("jsx_attribute")
        return attributes_naming(self.root, self.source, name)

    def ancestors(self, node: Node) -> list[Node]:
        """`node`'s parent, its parent's parent... up to the root (one descent from the root,
        which costs what a single `node.parent` does)."""
        path, current = [], self.root
        while current is not None and current != node:
            path.append(current)
            current = current.child_with_descendant(node)
        return path[::-1]

    def enclosing_function(self, node: Node) -> Node | None:
        """The innermost function around `node`, if any."""
        return next((a for a in self.ancestors(node) if a.type in FUNCTION_TYPES), None)

    def resolve(self, node: Node | None, depth: int = 3) -> Node | None:
        """Follow an identifier to the value it was declared with (`const x = ...`, `function x`) in scope.

        The innermost declaration in a function enclosing the use wins; anything else (a
        parameter, an import, a non-identifier) comes back unchanged.
        """
        node = unwrap(node)
        while depth and node is not None and node.type in ("identifier", "shorthand_property_identifier"):
            declared = self._declarations_of(text(node))
            if not declared:
                return node
            candidates, scopes = [], None
            for declaration in declared:
                scope = self._scope_of(declaration)
                if scope is not None:
                    scopes = self.ancestors(node) if scopes is None else scopes  # read once, when needed
                    if scope not in scopes:
                        continue
                candidates.append(declaration)
            if not candidates:
                return node
            chosen = max(candidates, key=lambda d: d.start_byte)
            value = chosen if chosen.type == "function_declaration" else unwrap(chosen.child_by_field_name("value"))
            if value is None:
                return node
            node, depth = value, depth - 1
        return node

    def returned_expressions(self, function: Node) -> Iterator[Node]:
        """What a function returns, in source order: an arrow's expression body, or its own `return`
        statements' values, each found when it is asked for (a judge of the first may stop there)."""
        body = function.child_by_field_name("body")
        if body is None:
            return
        if body.type != "statement_block":
            yield body
            return
        for statement in self.nodes_in("return_statement", body):
            values = statement.named_children
            if values and not _function_between(body, statement):
                yield values[0]

    def _scope_of(self, declaration: Node) -> Node | None:
        """`enclosing_function` of a declaration, found once: a name is often resolved again."""
        if declaration not in self._scopes:
            self._scopes[declaration] = self.enclosing_function(declaration)
        return self._scopes[declaration]

    def _declarations_of(self, name: str) -> list[Node]:
        """The variables and functions declared with `name`. Most files resolve a name or two,
        each spelt a few times: those are looked up where they are spelt, rather than reading
        every declaration of the file, which is done once a name is spelt more often."""
        if name in self._declared:
            return self._declared[name]
        if self._by_name is None and self.error_line is None and "\ufffd" not in name:
            word = name.encode("utf-8", "surrogatepass")
            if self.source.count(word) <= _SPELLINGS_LOOKED_UP:
                found = self._declared[name] = declarations_named(self.root, self.source, word)
                return found
        return self._declarators().get(name, [])

    def _declarators(self) -> dict[str, list[Node]]:
        if self._by_name is None:
            self._by_name = {}
            for declarator in self.nodes("variable_declarator") + self.nodes("function_declaration"):
                name = declarator.child_by_field_name("name")
                if name is not None and name.type == "identifier":
                    self._by_name.setdefault(text(name), []).append(declarator)
        return self._by_name


@cache
def _language(dialect: str) -> Any:
    import tree_sitter

    if dialect == "javascript":
        import tree_sitter_javascript

        return tree_sitter.Language(tree_sitter_javascript.language())
    import tree_sitter_typescript

    grammar = tree_sitter_typescript.language_tsx() if dialect == "tsx" else tree_sitter_typescript.language_typescript()
    return tree_sitter.Language(grammar)


@cache
def _parser(dialect: str) -> Any:
    import tree_sitter

    return tree_sitter.Parser(_language(dialect))


@cache
def _index_query(dialect: str) -> Any:
    import tree_sitter

    language = _language(dialect)
    known = [t for t in INDEXED_TYPES if language.id_for_node_kind(t, True)]  # no JSX in plain TS
    return tree_sitter.Query(language, "\n".join(f"({node_type}) @{node_type}" for node_type in known))


def parse_script(text: str, suffix: str) -> ScriptTree:
    """Parse one script. `error_line` is set when tree-sitter had to recover."""
    dialect = dialect_of(suffix)
    source = text.encode("utf-8", "surrogatepass")
    root = _parser(dialect).parse(source).root_node
    return ScriptTree(text, source, root, dialect, error_line=first_error_line(root) if root.has_error else None)


def inside(node: Node, outer: Node) -> bool:
    """Is `node` within `outer`'s byte range?"""
    return outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _function_between(outer: Node, inner: Node) -> bool:
    """Is there a function node below `outer` and above `inner` (its descendant)?"""
    node = outer.child_with_descendant(inner)
    while node is not None and node != inner:
        if node.type in FUNCTION_TYPES:
            return True
        node = node.child_with_descendant(inner)
    return False


def first_error_line(root: Node) -> int:
    """1-based line of the first ERROR or MISSING node under `root`."""
    node = root
    while True:
        for child in node.children:
            if child.is_error or child.is_missing:
                return child.start_point.row + 1
            if child.has_error:
                node = child
                break
        else:
            return node.start_point.row + 1


def text(node: Node | None) -> str:
    return "" if node is None else node.text.decode("utf-8", "replace")


def line(node: Node) -> int:
    return node.start_point.row + 1


def unwrap(node: Node | None) -> Node | None:
    """The expression under parentheses, `as`/`satisfies` casts, `!` and `await`."""
    while node is not None and node.type in WRAPPERS:
        node = next((child for child in node.named_children if child.type != "comment"), None)
    return node


def dotted_name(node: Node | None) -> str:
    """`a.b.c` for identifiers and member chains (`window.localStorage.setItem`), else ""."""
    node = unwrap(node)
    if node is None:
        return ""
    if node.type in ("identifier", "this", "property_identifier", "shorthand_property_identifier"):
        return text(node)
    if node.type == "member_expression":
        base = dotted_name(node.child_by_field_name("object"))
        prop = node.child_by_field_name("property")
        return f"{base}.{text(prop)}" if base and prop is not None else ""
    return ""


def callee_name(call: Node) -> str:
    """The dotted name of a call's function: `fetch`, `axios.create`, `DOMPurify.sanitize`."""
    return dotted_name(call.child_by_field_name("function") or call.child_by_field_name("constructor"))


def arguments(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    return [] if args is None else [a for a in args.named_children if a.type != "comment"]


def string_value(node: Node | None) -> str | None:
    """The value of a string literal or a template without substitutions, else None."""
    node = unwrap(node)
    kind = None if node is None else node.type
    if kind == "template_string":
        if any(child.type == "template_substitution" for child in node.named_children):
            return None
    elif kind != "string":
        return None
    raw = text(node)
    return raw[1:-1] if len(raw) >= 2 else ""


def template_head(node: Node) -> tuple[str, Node | None]:
    """A template's literal text before its first `${...}`, and that first substitution's expression."""
    head = []
    for child in node.named_children:
        if child.type == "template_substitution":
            return "".join(head), next(iter(child.named_children), None)
        head.append(text(child))
    return "".join(head), None


def object_property(obj: Node | None, name: str) -> Node | None:
    """The value of property `name` in an object literal (the identifier for `{ name }`)."""
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return None
    for child in obj.named_children:
        if child.type == "pair" and property_key(child) == name:
            return child.child_by_field_name("value")
        if child.type == "shorthand_property_identifier" and text(child) == name:
            return child
        if child.type == "method_definition" and text(child.child_by_field_name("name")) == name:
            return child
    return None


def property_key(pair: Node) -> str:
    """The name a `pair` defines: `a: 1`, `"a": 1` and `["a"]: 1` all give "a"."""
    key = pair.child_by_field_name("key")
    if key is None:
        return ""
    if key.type == "computed_property_name":
        return string_value(next(iter(key.named_children), None)) or ""
    return string_value(key) if key.type == "string" else text(key)


def object_keys(obj: Node | None) -> list[str]:
    """Every property name an object literal defines, including shorthand ones."""
    obj = unwrap(obj)
    if obj is None or obj.type != "object":
        return []
    keys = []
    for child in obj.named_children:
        if child.type == "pair":
            keys.append(property_key(child))
        elif child.type == "shorthand_property_identifier":
            keys.append(text(child))
        elif child.type == "method_definition":
            keys.append(text(child.child_by_field_name("name")))
    return keys


def has_spread(obj: Node | None) -> bool:
    obj = unwrap(obj)
    return obj is not None and any(child.type == "spread_element" for child in obj.named_children)


def function_name(function: Node) -> str:
    """The name a function is known by: its own, its variable's, its property's or method's."""
    own = function.child_by_field_name("name")
    if own is not None:
        return text(own)
    parent = function.parent
    while parent is not None and parent.type in WRAPPERS | {"call_expression", "arguments"}:
        parent = parent.parent  # `const f = useCallback(() => ...)`
    if parent is None:
        return ""
    if parent.type == "variable_declarator":
        return text(parent.child_by_field_name("name"))
    if parent.type == "pair":
        return property_key(parent)
    if parent.type == "assignment_expression":
        return dotted_name(parent.child_by_field_name("left"))
    return ""


def parameter_names(function: Node) -> list[str]:
    """Names of a function's parameters in order ("" for a destructured one)."""
    params = function.child_by_field_name("parameters") or function.child_by_field_name("parameter")
    if params is None:
        return []
    if params.type == "identifier":  # `x => ...`
        return [text(params)]
    names = []
    for param in params.named_children:
        target = param.child_by_field_name("pattern") or param
        if target.type == "assignment_pattern":
            target = target.child_by_field_name("left")
        names.append(text(target) if target is not None and target.type == "identifier" else "")
    return names


def identifiers_in(node: Node) -> Iterator[str]:
    """Every identifier and property name inside `node`, in source order."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in ("identifier", "property_identifier", "shorthand_property_identifier"):
            yield text(current)
        stack.extend(reversed(current.named_children))


def descendants(node: Node, node_type: str) -> Iterator[Node]:
    """Every node of `node_type` under `node` (not `node` itself), in source order."""
    stack = list(reversed(node.named_children))
    while stack:
        current = stack.pop()
        if current.type == node_type:
            yield current
        stack.extend(reversed(current.named_children))
