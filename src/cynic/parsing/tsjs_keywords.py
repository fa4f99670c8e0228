"""Nodes found from the words they are spelt with, without visiting the whole tree.

Every `import_statement` holds an `import` token, every `export_statement` an `export`, every
`function_declaration` a `function`, every `return_statement` a `return`, every
`assignment_expression` a `=`, and every `variable_declarator` sits in a declaration holding a
`const`, `let`, `var` or `using` token. In a tree without errors no token is missing, so the
smallest named nodes around the places a keyword is spelt in the text include every node of its
type; where the spelling is something else (a string, a comment, a property, a longer name, `==`)
that node is of another type and is dropped. Likewise every call whose callee names `fetch` is
found from the places `fetch` is spelt, and every assignment to an `innerHTML` from the places
`innerHTML` is. That is one lookup per spelling instead
of a visit of every node: most of a file's nodes are never touched. Imports and exports are
cheaper still: each spells its keyword once, so when the root's own children account for every
spelling there is nothing left to look up.
"""

from __future__ import annotations

from typing import Any

Node = Any  # tree_sitter.Node

KEYWORDS: dict[str, tuple[bytes, ...]] = {
    "import_statement": (b"import",),
    "export_statement": (b"export",),
    "function_declaration": (b"function",),
    "return_statement": (b"return",),
    "assignment_expression": (b"=",),
    "variable_declarator": (b"const", b"let", b"var", b"using"),
}
_MODULE_LEVEL = frozenset({"import_statement", "export_statement"})
_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration", "using_declaration"})
_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_DECLARED = frozenset({"variable_declarator", "function_declaration"})  # what `declarations_named` finds
_NAMES = frozenset({"identifier", "property_identifier", "shorthand_property_identifier", "this"})
_CALLS = frozenset({"call_expression", "new_expression"})
WRAPPERS = frozenset(  # nodes that only wrap an expression: `(x)`, `x as T`, `x!`, `await x`...
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression", "await_expression", "type_assertion"}
)


def source_order(node: Node) -> tuple[int, int]:
    """Sort key: where a node starts, and of two that start together (`a(x).b(y)` and `a(x)`) the
    outer one first, as a walk of the tree meets them."""
    return node.start_byte, -node.end_byte


def keyword_nodes(root: Node, source: bytes, node_type: str) -> list[Node]:
    """Every node of `node_type` (a key of `KEYWORDS`) in the error-free tree `root`, in source order."""
    spellings = [(start, start + len(keyword)) for keyword in KEYWORDS[node_type] for start in _spelt(source, keyword, whole=True)]
    if node_type in _MODULE_LEVEL and (top_level := _root_children_spelling(root, node_type, len(spellings))) is not None:
        return top_level
    found = set()
    for start, end in spellings:
        holder = root.named_descendant_for_byte_range(start, end)
        if node_type == "variable_declarator" and holder.type in _DECLARATIONS:
            found.update(child for child in holder.named_children if child.type == node_type)
        elif holder.type == node_type:
            found.add(holder)
    return sorted(found, key=source_order)


def _root_children_spelling(root: Node, node_type: str, spellings: int) -> list[Node] | None:
    """The root's children of `node_type` if they are as many as the spellings of their keyword
    (then there is no other), read only as far as needed; None if some are elsewhere."""
    found: list[Node] = []
    for child in root.children if spellings else ():
        if child.type == node_type:
            found.append(child)
            if len(found) == spellings:
                break
    return found if len(found) == spellings else None


def calls_naming(root: Node, source: bytes, words: tuple[str, ...]) -> list[Node]:
    """Every call and `new` expression whose callee is a name or a chain of names (`a.b.c`,
    through parentheses and casts) with one of `words` in one of its names, in source order."""
    found = set()
    for word in words:
        for start in _spelt(source, word.encode(), whole=False):
            name = root.named_descendant_for_byte_range(start, start + len(word))
            if name.type in _NAMES and (call := _call_named_by(name)) is not None:
                found.add(call)
    return sorted(found, key=source_order)


def calls_holding(root: Node, spans: list[tuple[int, int]]) -> list[Node]:
    """Every call and `new` expression whose byte range holds one of `spans`, in source order: the
    calls among the ancestors of the smallest node around each span, each ancestor read once."""
    found, seen = set(), set()
    for start, end in spans:
        node = root.named_descendant_for_byte_range(start, end)
        while node is not None and node not in seen:  # a node seen before had its ancestors read then
            seen.add(node)
            if node.type in _CALLS:
                found.add(node)
            node = node.parent
    return sorted(found, key=source_order)


def assignments_to(root: Node, source: bytes, words: tuple[str, ...]) -> list[Node]:
    """Every assignment whose target, through parentheses and casts, is a property with one of
    `words` in its name (`el.innerHTML = x`, `(init as any).credentials = y`), in source order:
    found from the places the words are spelt, like `calls_naming`."""
    found = set()
    for word in words:
        for start in _spelt(source, word.encode(), whole=False):
            name = root.named_descendant_for_byte_range(start, start + len(word))
            member = name.parent if name.type == "property_identifier" else None
            if member is None or member.type != "member_expression":
                continue
            part, holder = member, member.parent
            while holder is not None and holder.type in WRAPPERS:
                part, holder = holder, holder.parent
            if holder is not None and holder.type == "assignment_expression" and holder.child_by_field_name("left") == part:
                found.add(holder)
    return sorted(found, key=source_order)


def declarations_named(root: Node, source: bytes, word: bytes) -> list[Node]:
    """Every variable declarator and function declaration in the error-free tree `root` whose name
    is the identifier `word` (UTF-8): the declarations around the places it is spelt as a whole."""
    found = []
    for start in _spelt(source, word, whole=True):
        if start and source[start - 1] in _NAME_BYTES:
            continue  # inside a longer name
        identifier = root.named_descendant_for_byte_range(start, start + len(word))
        if identifier.type != "identifier" or identifier.start_byte != start or identifier.end_byte != start + len(word):
            continue
        holder = identifier.parent
        if holder is not None and holder.type in _DECLARED and holder.child_by_field_name("name") == identifier:
            found.append(holder)
    return found


def arrow_functions(root: Node, source: bytes) -> list[Node]:
    """Every arrow function in the error-free tree `root`, in the order of their `=>`: the nodes
    around the places it is spelt."""
    found = []
    for start in _spelt(source, b"=>", whole=True):
        node = root.named_descendant_for_byte_range(start, start + 2)
        if node.type == "arrow_function":
            found.append(node)
    return found


def spans_of(source: bytes, words: tuple[bytes, ...]) -> list[tuple[int, int]]:
    """The byte range of every place one of `words` is spelt in `source`, also inside longer names."""
    return [(start, start + len(word)) for word in words for start in _spelt(source, word, whole=False)]


def attributes_naming(root: Node, source: bytes, word: str) -> list[Node]:
    """Every JSX attribute whose name holds `word`, in source order."""
    found = set()
    for start in _spelt(source, word.encode(), whole=False):
        name = root.named_descendant_for_byte_range(start, start + len(word))
        if name.type == "property_identifier" and (attribute := name.parent).type == "jsx_attribute":
            found.add(attribute)
    return sorted(found, key=source_order)


def _call_named_by(name: Node) -> Node | None:
    """The call whose callee's chain of names holds `name`, if any."""
    part, holder = name, name.parent
    while holder is not None and (holder.type == "member_expression" or holder.type in WRAPPERS):
        part, holder = holder, holder.parent
    if holder is not None and holder.type in ("call_expression", "new_expression"):
        callee = holder.child_by_field_name("function" if holder.type == "call_expression" else "constructor")
        return holder if callee == part else None
    return None


def _spelt(source: bytes, word: bytes, *, whole: bool) -> list[int]:
    """Where `word` starts in `source`. A `whole` keyword is not looked up where a name character
    follows it (`returned`): tree-sitter reads such a run as one longer name, never as the keyword."""
    check_end = whole and word[-1] in _NAME_BYTES
    found = []
    at = source.find(word)
    while at >= 0:
        after = at + len(word)
        if not check_end or after == len(source) or source[after] not in _NAME_BYTES:
            found.append(at)
        at = source.find(word, at + 1)
    return found
