"""Nodes found from their spelling are exactly the nodes a walk of the whole tree finds."""

from __future__ import annotations

import pytest

from cynic.parsing.tsjs import ScriptTree, parse_script
from cynic.parsing.tsjs_keywords import KEYWORDS, arrow_functions, declarations_named, spans_of

TRICKY = {
    ".tsx": '''
// import export function return const let var using = in a comment
import React, { useState as useS } from "react";
const banner = "import x from 'y'; return 1; localStorage.setItem(k, v)";
declare module "legacy" {
  import { inner } from "inner";
  export const flag = true;
}
namespace Tools { export function helper() { return 1 } }
export default function Page() {
  let returned = 0, constant = returned;
  const lazy = import("./lazy"); import.meta.env.VITE_API_URL;
  function nested() { const inner = () => { return constant }; return inner() }
  (remember ? localStorage : sessionStorage).setItem("session", token);
  (localStorage as Storage).setItem("a", b);
  window.fetch(url)?.then(r => r.json()); ofetch.create({ baseURL }); new HttpLink({ uri });
  obj.x=1; obj.y = obj.z == 2; a.b!.c = 3; (el as HTMLElement).innerHTML = html; el.innerHTML += more;
  return <div dangerouslySetInnerHTML={{ __html: html }} data-x="=" />;
}
''',
    ".js": '''
export { default } from "./other";
var a = 1; let b = 2; const c = 3;
function f() { using res = open(); return res }
label: for (const x of xs) { if (x) return; }
const el = document.getElementById("x"); el.innerHTML = html; el.insertAdjacentHTML("beforeend", more);
''',
}


def _walked(tree: ScriptTree, node_type: str) -> list[tuple[int, int]]:
    """Byte ranges of every `node_type` node, as tree-sitter's own query over the whole tree finds them."""
    import tree_sitter
    import tree_sitter_javascript
    import tree_sitter_typescript

    grammar = tree_sitter_typescript.language_tsx() if tree.dialect == "tsx" else tree_sitter_javascript.language()
    query = tree_sitter.Query(tree_sitter.Language(grammar), f"({node_type}) @found")
    return sorted(n.byte_range for n in tree_sitter.QueryCursor(query).captures(tree.root).get("found", []))


@pytest.mark.parametrize("suffix", sorted(TRICKY))
@pytest.mark.parametrize("node_type", sorted(KEYWORDS))
def test_keyword_lookups_find_every_node_of_their_type(suffix: str, node_type: str) -> None:
    tree = parse_script(TRICKY[suffix], suffix)
    assert tree.error_line is None

    assert [n.byte_range for n in tree.nodes(node_type)] == _walked(tree, node_type)


def test_jsx_attributes_by_name_and_calls_by_callee_name_miss_none() -> None:
    tree = parse_script(TRICKY[".tsx"], ".tsx")
    calls = {n.byte_range: name for n, name in tree.calls_naming(("setItem", "fetch", "HttpLink"))}
    attributes = [tree.source[slice(*n.byte_range)].decode()[:24] for n in tree.jsx_attributes("dangerouslySetInnerHTML")]

    assert sorted(calls.values()) == ["", "HttpLink", "localStorage.setItem", "ofetch.create", "window.fetch"]  # "": `(a ? b : c).setItem`
    assert all(tree.source[start:end].decode().startswith(("(remember", "(localStorage", "new Http", "ofetch", "window")) for start, end in calls)
    assert attributes == ["dangerouslySetInnerHTML="]


def test_calls_holding_a_spelling_are_every_call_around_it() -> None:
    tree = parse_script(TRICKY[".tsx"], ".tsx")
    spans = spans_of(tree.source, (b"token", b"uri", b"json"))
    calls = _walked(tree, "call_expression") + _walked(tree, "new_expression")

    around = sorted(n.byte_range for n, _ in tree.calls_holding(spans))

    assert around == sorted(c for c in calls if any(c[0] <= start and end <= c[1] for start, end in spans))
    assert len(around) == 4  # `.setItem("session", token)`, `window.fetch(url)?.then(r => r.json())`, `r.json()`, `new HttpLink({ uri })`


def test_assignments_to_a_property_are_every_assignment_whose_target_names_it() -> None:
    tree = parse_script(TRICKY[".tsx"], ".tsx")

    found = [tree.source[slice(*n.byte_range)].decode() for n in tree.assignments_to(("innerHTML", "y", "c"))]

    assert found == ["obj.y = obj.z == 2", "a.b!.c = 3", "(el as HTMLElement).innerHTML = html"]  # not `+=`, not `obj.x`


def test_declarations_by_name_are_those_of_every_declaration() -> None:
    for suffix, text in TRICKY.items():
        tree = parse_script(text, suffix)
        by_name = {name: sorted(n.byte_range for n in found) for name, found in tree._declarators().items()}

        for name in [*by_name, "useS", "token", "html"]:
            assert sorted(n.byte_range for n in declarations_named(tree.root, tree.source, name.encode())) == by_name.get(name, [])


FUNCTIONS = '''
const id = (x: number) => x, wrapped = (async () => ({ a: 1 })) as F, block = () =>
  { return 1 };
const named = function inner() { return function () {} }, generator = function* () {};
type Handler = () => { a: number };
const spelt = "() => x; function () {}";
items.map((item) => <li key={item.id}>{item.name}</li>);
export default function Page() { return null }
'''


def test_arrow_functions_are_every_arrow_function() -> None:
    tree = parse_script(FUNCTIONS, ".tsx")

    found = [n.byte_range for n in arrow_functions(tree.root, tree.source)]

    assert sorted(found) == _walked(tree, "arrow_function")
    assert len(found) == 4  # not the function type or the string
