"""The fact extractor for TypeScript/JavaScript: what the frontend project rules need from a file.

Imports by module specifier, the default export, web-storage writes (`js_storage`), calls that
pass a token to some function (to find storage wrappers' call sites across files), and the
request facts (`js_requests`). Every fact is a small `Fact` (see `cynic.project`), so facts
pickle and cache; like the Python facts (`python_facts`), they are frozen and hashed by value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.parsing.tsjs import Node, ScriptTree, arguments, line, string_value, text, unwrap
from cynic.parsing.tsjs_keywords import spans_of
from cynic.project import Fact
from cynic.project.js_html import SANITIZER_MODULES, HtmlSink, html_sinks, sanitizing_functions
from cynic.project.js_modules import resolve_module
from cynic.project.js_requests import AxiosCall, AxiosInstance, CredentialsSwitch, FetchCall, FetchClient, axios_facts, fetch_calls, generated_client_facts
from cynic.project.js_storage import StorageWrite, storage_writes
from cynic.project.js_tokens import key_name, names_a_token, value_token_evidence
from cynic.source import SourceFile

_TOKENISH = lazy_compile(r"token|jwt|bearer", re.I)
_TOKEN_WORDS = ("token", "jwt", "bearer")
_TOKEN_WORD_BYTES = tuple(word.encode() for word in _TOKEN_WORDS)
_KELVIN_SIGN = "\u212a"  # the one letter beyond ASCII that `str.lower` and `_TOKENISH` fold into a token word's (`k`)
_CONSTANT = lazy_compile(r"^[A-Z][A-Z0-9_]*$")
_SERVER_PATH = lazy_compile(r"(?:^|/)pages/api/|(?:^|/)app/(?:.*/)?route\.[cm]?[jt]s$|\.server\.[cm]?[jt]sx?$|(?:^|/)middleware\.[jt]s$")
_SERVER_PATH_WORDS = ("pages/api/", "route.", ".server.", "middleware.")  # one in every `_SERVER_PATH` match
_SERVER_MARKER = lazy_compile(r"""^\s*["']use server["']|^\s*import\s+["']server-only["']""", re.M)
_CLIENT_MARKER = lazy_compile(r"""^\s*["']use client["']""", re.M)
_SERVER_WORDS = ("use server", "server-only")  # in every `_SERVER_MARKER` match
_CLIENT_WORDS = ("use client",)


class ImportedName(Fact):
    """`import {imported as local} from "module"`; `imported` is "default" or "*" for those forms."""

    local: str
    imported: str
    module: str


class TokenCall(Fact):
    """A call that passes something token-like: `saveToken(data.access_token)`, `store.set("jwt", t)`."""

    line: int
    callee: str
    token_args: tuple[tuple[int, str], ...]  # (argument index, why it is a token)


class ScriptFacts(Fact):
    """Everything the frontend project rules read about one script."""

    imports: tuple[ImportedName, ...]
    default_export: str
    storage_writes: tuple[StorageWrite, ...]
    token_calls: tuple[TokenCall, ...]
    fetch_calls: tuple[FetchCall | FetchClient, ...]
    axios: tuple[AxiosInstance | AxiosCall | CredentialsSwitch, ...]
    client_configs: tuple[CredentialsSwitch, ...]
    server_side: bool
    client_directive: bool
    html_sinks: tuple[HtmlSink, ...]
    sanitizing_functions: tuple[str, ...]

    def imported(self, local: str) -> ImportedName | None:
        return next((item for item in self.imports if item.local == local), None)


def extract_script_facts(source: SourceFile) -> ScriptFacts:
    """Read one parsed script's facts (see the module docstring)."""
    tree: ScriptTree = source.tree
    head = source.text[:2000]
    imported = tuple(imports(tree))
    sanitizers = {i.local for i in imported if i.module.lower() in SANITIZER_MODULES}
    return ScriptFacts(
        imports=imported,
        default_export=_default_export(tree),
        storage_writes=tuple(storage_writes(tree)),
        token_calls=tuple(_token_calls(tree)),
        fetch_calls=tuple(fetch_calls(tree)),
        axios=tuple(axios_facts(tree)),
        client_configs=tuple(generated_client_facts(tree)),
        server_side=_marked(source.path, _SERVER_PATH, _SERVER_PATH_WORDS) or _marked(head, _SERVER_MARKER, _SERVER_WORDS),
        client_directive=_marked(head, _CLIENT_MARKER, _CLIENT_WORDS),
        html_sinks=tuple(html_sinks(tree, sanitizers, {i.local for i in imported})),
        sanitizing_functions=tuple(sanitizing_functions(tree, sanitizers)),
    )


def _marked(text: str, marker: re.Pattern[str], words: tuple[str, ...]) -> bool:
    """Does `text` (a file's head, its path) match `marker`? The `words` one of which is in every
    match are looked for first, which is much cheaper than the search."""
    return any(word in text for word in words) and marker.search(text) is not None


def defined_in(path: str, callee: str, scripts: dict[str, ScriptFacts]) -> tuple[str, str] | None:
    """(file, qualified function name) a call in `path` refers to, following the file's imports.

    `saveToken` defined in the file itself gives (path, "saveToken"); `storage.set` with
    `import { storage } from "./lib/storage"` gives ("src/lib/storage.ts", "storage.set");
    None for a package import or a module that is not audited.
    """
    head, dot, rest = callee.partition(".")
    imported = scripts[path].imported(head)
    if imported is None:
        return path, callee
    target = resolve_module(path, imported.module, scripts.keys())
    if target is None:
        return None
    if imported.imported == "*":
        return target, rest
    name = scripts[target].default_export if imported.imported == "default" else imported.imported
    return target, name + dot + rest


def imports(tree: ScriptTree) -> Iterator[ImportedName]:
    """Every `import ... from "module"` binding in the file."""
    for statement in tree.nodes("import_statement"):
        # `import [type] clause from "module"` or `import "module"`: the one string among the
        # statement's children is its source (read in one pass, not by field names)
        clause, module = None, ""
        for child in statement.children:
            kind = child.type
            if kind == "import_clause":
                clause = child
            elif kind == "string":
                module = string_value(child) or ""
        for part in clause.named_children if clause is not None else ():
            kind = part.type
            if kind == "identifier":
                yield ImportedName(text(part), "default", module)
            elif kind == "namespace_import":
                yield ImportedName(text(part.named_children[0]), "*", module)
            elif kind == "named_imports":
                for spec in part.named_children:
                    only = spec.children
                    if len(only) == 1 and only[0].type == "identifier":  # `{ name }`, the commonest
                        name = text(only[0])
                        yield ImportedName(name, name, module)
                        continue
                    name = text(spec.child_by_field_name("name"))
                    alias = spec.child_by_field_name("alias")
                    yield ImportedName(text(alias) if alias is not None else name, name, module)


def _default_export(tree: ScriptTree) -> str:
    if not tree.mentions(("default",)):
        return ""  # `export default` spells it
    for statement in tree.nodes("export_statement"):
        if not any(child.type == "default" for child in statement.children):
            continue
        value = statement.child_by_field_name("value") or statement.child_by_field_name("declaration")
        value = unwrap(value)
        if value is not None and value.type == "identifier":
            return text(value)
        name = value.child_by_field_name("name") if value is not None else None
        return text(name) if name is not None else ""
    return ""


def _token_calls(tree: ScriptTree) -> Iterator[TokenCall]:
    for call, name in _calls_around_token_words(tree):
        if not name or name.endswith((".setItem", ".getItem", ".removeItem")) or call.type != "call_expression":
            continue
        args = arguments(call)
        if not any(_TOKENISH.search(text(arg)) or (_CONSTANT.match(text(arg)) and _TOKENISH.search(text(tree.resolve(arg)))) for arg in args):
            continue  # cheap screen before the full judgement
        found = []
        for index, arg in enumerate(args):
            why = value_token_evidence(arg, tree)
            if why is None and string_value(arg) is not None and names_a_token(key_name(arg, tree)):
                why = f"the key `{string_value(arg)}`"
            if why is not None:
                found.append((index, why))
        if found:
            yield TokenCall(line(call), name, tuple(found))


def _calls_around_token_words(tree: ScriptTree) -> list[tuple[Node, str]]:
    """At least every call with an argument that `_TOKENISH` matches, itself or the value it resolves
    to: the calls around a spelling of a token word, or of a constant the file declares (whose value
    may spell one). None without a token word in the file: some argument or constant's value spells it."""
    if _KELVIN_SIGN in tree.text:
        return tree.calls() if any(word in tree.text.lower() for word in _TOKEN_WORDS) else []
    token_spans = spans_of(tree.lowered_source(), _TOKEN_WORD_BYTES)  # as `_TOKENISH` ignores case
    if not token_spans:
        return []
    constants = tuple(name.encode() for name in tree.declared_names() if _CONSTANT.match(name))
    return tree.calls_holding(token_spans + spans_of(tree.source, constants))

