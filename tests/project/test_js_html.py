"""Which functions of a file return only sanitized markup: what another file's HTML sink may call."""

from __future__ import annotations

import pytest

from cynic.parsing.tsjs import parse_script
from cynic.project.js_html import sanitizing_functions

HELPERS = '''
import DOMPurify from "dompurify";
export function clean(html: string) { if (!html) return ""; return DOMPurify.sanitize(html); }
export function raw(html: string) { const inner = () => { return DOMPurify.sanitize(html) }; return html; }
export const purified = (html: string) => DOMPurify.sanitize(html);
export const escaped = ((s: string) => escapeHtml(s)) as Render;
export const counted = function (items: string[]) { return `${items.length} items`; };
export const nothing = () => { console.log("x") };
export const outer = (html: string) => { function inner() { return html } return DOMPurify.sanitize(html) };
export function* generated() { return DOMPurify.sanitize("x") }
const notAFunction = DOMPurify.sanitize("<b>x</b>");
'''


@pytest.mark.parametrize("broken", [False, True])
def test_sanitizing_functions_are_those_whose_every_return_is_sanitized(broken: bool) -> None:
    tree = parse_script(HELPERS + ("\nconst oops = ;\n" if broken else ""), ".ts")
    assert (tree.error_line is not None) is broken

    names = list(sanitizing_functions(tree, {"DOMPurify"}))

    assert names == ["clean", "inner", "purified", "escaped", "counted", "outer"]  # declarations first, then variables
