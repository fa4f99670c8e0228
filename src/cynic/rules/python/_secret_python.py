"""Secrets in a parsed Python module, read from the shared per-class node index, not by a walk.

A finding is a string literal that is a credential (a known key shape anywhere, a password in a
URL outside docstrings), or a secret given to a secret-named variable, settings field,
parameter, dict key or keyword argument, or the key given to `jwt.encode`/`hmac.new`. Values
inside example payloads of schemas (`json_schema_extra`) are not secrets by name. When findings
with different messages share a line, the one a top-down visit meets first is reported.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from cynic.parsing.pyast import argument, call_name, child_nodes, const_str, last_name, nodes_of, walk
from cynic.rules._lowering import ascii_letters, text_letters
from cynic.rules.python._secret_patterns import is_named_secret, is_secret_value, secret_shape, url_with_credentials

_CREDENTIAL = "A credential is written into the code."
_SIGNING_KEY = "A signing key is written into the code."
_EXAMPLE_KEYS = frozenset({"example", "examples", "json_schema_extra", "openapi_examples", "schema_extra"})
_ENV_READERS = frozenset({"getenv", "get", "environ.get", "setdefault"})
_KEY_ARGUMENT = {"encode": 1, "decode": 1, "new": 0}  # jwt.encode(payload, KEY), jwt.decode(token, KEY), hmac.new(KEY)
_SIGNERS = ("jwt", "jose", "hmac", "PyJWT")
_SECRET_WRAPPERS = frozenset({"Field", "SecretStr", "SecretBytes"})
_VALUE, _ARG = attrgetter("value"), attrgetter("arg")
# `is_named_secret` holds only for a URL with a password or for a name with one of these words in
# its ASCII parts, or in its parts joined (`pass_word`): in the name, in any ASCII case, maybe split
# by what splits parts (any character but an ASCII letter or digit: `K`, the Kelvin sign, too).
_SECRET_WORDS = ("key", "token", "pass", "secret", "pwd", "credential")  # the commonest first
# So a word is whole among the name's ASCII letters and digits alone, lowered (`bytes.translate`
# tables; characters beyond ASCII are dropped before).
_NOT_ALPHANUMERIC = bytes(byte for byte in range(128) if not chr(byte).isalnum())
_ASCII_LOWERED = bytes(range(256)).lower()

NameTest = Callable[[str], bool]


class Found(NamedTuple):
    """A finding with the node a top-down visit reports it at, to order findings on one line."""

    line: int
    message: str
    anchor: ast.AST
    before_anchor: bool  # reported by a dict or call just before it visits the anchor, its value
    named_value: ast.AST | None = None  # the literal of a finding by name: silent in example payloads


def python_secrets(tree: ast.Module, text: str) -> list[tuple[int, str]]:
    """(line, message) of each secret in the module parsed from `text`; the first message of a
    line comes first."""
    constants = nodes_of(tree, ast.Constant)
    values = list(map(_VALUE, constants))
    # A shape or URL in one literal is in all of them joined: a line break is a word boundary,
    # like the ends of a literal, and no shape spans one. One search rules most modules out.
    # (`filter` of a type's own instance test picks the strings without a step of Python code.)
    everything = "\n".join(filter(str.__instancecheck__, values))
    has_url = "://" in everything or any(b"://" in value for value in filter(bytes.__instancecheck__, values))
    found = _credentials(tree, constants) if has_url or secret_shape(everything) else []
    # A name is a string (a dict key, a `getenv` name: in `everything`) or an identifier, as
    # written in ASCII source (elsewhere NFKC-normalised). Among the letters alone of both, a
    # word of a name is whole, whatever split it in the name (`pass_word`).
    letters = text_letters(text) + ascii_letters(everything) if text.isascii() else None
    secret_words = letters is None or _holds_any(letters, _SECRET_WORDS)
    if has_url:  # a URL with a password is a secret whatever its name
        found += _named_secrets(tree, _any_name)
    elif secret_words:
        found += _named_secrets(tree, _secret_name)
    if (has_url or secret_words) and (letters is None or _holds_any(letters, ("environ", "getenv"))):
        found += _env_defaults(tree)
    if letters is None or _holds_any(letters, ("jwt", "jose", "hmac")):
        found += _signing_keys(tree)
    if any(item.named_value is not None for item in found):
        found = _outside_examples(tree, found)
    if _lines_disagree(found):
        order = _visit_order(tree)
        found.sort(key=lambda item: (order[id(item.anchor)], not item.before_anchor))
    return [(item.line, item.message) for item in found]


def _credentials(tree: ast.Module, constants: list[ast.Constant]) -> list[Found]:
    """Key shapes in any string literal, URLs with a password outside docstrings."""
    strings = [node for node in constants if isinstance(node.value, str)]
    statements = {
        id(node.value): node for node in nodes_of(tree, ast.Expr)
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    }
    found = []
    for node in strings:
        statement = statements.get(id(node))
        if statement is not None:  # a docstring: examples, not config; only known shapes count
            if secret_shape(node.value):
                found.append(Found(statement.lineno, _CREDENTIAL, statement, False))
        elif secret_shape(node.value) or url_with_credentials(node.value):
            found.append(Found(node.lineno, _CREDENTIAL, node, False))
    return found


def _named_secrets(tree: ast.Module, named: NameTest) -> list[Found]:
    """Literals given to secret-named variables, fields, parameters, dict keys and keyword
    arguments; `named` rules out names that cannot be a secret's."""
    found = [
        _by_name(name, node.value, node)
        for node in nodes_of(tree, ast.Assign) for target in node.targets if named(name := _target_name(target))
    ]
    found += [_by_name(name, node.value, node) for node in nodes_of(tree, ast.AnnAssign) if named(name := _target_name(node.target))]
    for node in nodes_of(tree, ast.arguments) if _names_any(nodes_of(tree, ast.arg), named) else ():
        positional = [*node.posonlyargs, *node.args]
        defaults = [*zip(positional[len(positional) - len(node.defaults):], node.defaults), *zip(node.kwonlyargs, node.kw_defaults)]
        found += [_by_name(arg.arg, default, node) for arg, default in defaults if named(arg.arg)]
    found += [
        _by_name(name, value, value, before_anchor=True)
        for node in nodes_of(tree, ast.Dict) for key, value in zip(node.keys, node.values)
        if named(name := const_str(key) or "") and name not in _EXAMPLE_KEYS
    ]
    keywords = nodes_of(tree, ast.keyword)
    if _names_any(keywords, named):
        class_keywords = {id(kw) for node in nodes_of(tree, ast.ClassDef) for kw in node.keywords}  # `metaclass=M`: no call's
        found += [
            _by_name(kw.arg, kw.value, kw.value, before_anchor=True)
            for kw in keywords
            if kw.arg and named(kw.arg) and kw.arg not in _EXAMPLE_KEYS and id(kw) not in class_keywords
        ]
    return [item for item in found if item is not None]


def _names_any(nodes: list[ast.AST], named: NameTest) -> bool:
    """Whether one of these parameters or keywords has a name `named` accepts: each distinct name
    is asked once, and most modules name no secret."""
    return any(map(named, filter(None, set(map(_ARG, nodes)))))


def _signing_keys(tree: ast.Module) -> list[Found]:
    """`jwt.encode(payload, "key")`, `jwt.decode(token, "key")`, `hmac.new(b"key")`."""
    found = []
    for node in nodes_of(tree, ast.Call):
        func = node.func  # a method of the module: a bare `encode(...)` is not `jwt.`'s
        if isinstance(func, ast.Attribute) and func.attr in _KEY_ARGUMENT and (call_name(node) or "").split(".")[0] in _SIGNERS:
            key = _literal(argument(node, _KEY_ARGUMENT[func.attr], "key"))
            if key and is_secret_value(key):
                found.append(Found(node.lineno, _SIGNING_KEY, node, False))
    return found


def _env_defaults(tree: ast.Module) -> list[Found]:
    """`os.getenv("SECRET", "default")`, `os.environ.get(...)`, `os.environ.setdefault(...)`."""
    found = []
    for node in nodes_of(tree, ast.Call):
        if _raw_name(node.func) in _ENV_READERS and len(node.args) > 1:
            name = call_name(node) or ""
            if last_name(node.func) in _ENV_READERS and ("environ" in name or "getenv" in name):
                found.append(_by_name(const_str(node.args[0]) or "", node.args[1], node))
    return [item for item in found if item is not None]


def _holds_any(letters: str, words: tuple[str, ...]) -> bool:
    return any(word in letters for word in words)


@lru_cache(maxsize=4096)  # names repeat: a lookup is cheaper than a search
def _secret_name(name: str) -> bool:
    alphanumerics = name.encode("ascii", "ignore").translate(_ASCII_LOWERED, _NOT_ALPHANUMERIC).decode("ascii")
    return any(word in alphanumerics for word in _SECRET_WORDS)


def _any_name(name: str) -> bool:
    return bool(name)


def _by_name(name: str, value: ast.AST | None, anchor: ast.AST, before_anchor: bool = False) -> Found | None:
    text = _literal(value)
    if text is None or not name or not is_named_secret(name, text):
        return None
    return Found(getattr(value, "lineno", 0), f"`{name}` is assigned a hard-coded secret.", anchor, before_anchor, value)


def _outside_examples(tree: ast.Module, found: list[Found]) -> list[Found]:
    """The findings whose literal is not inside an example payload (`json_schema_extra={...}`)."""
    payloads = [value for node in nodes_of(tree, ast.Dict) for key, value in zip(node.keys, node.values) if const_str(key) in _EXAMPLE_KEYS]
    payloads += [kw.value for node in nodes_of(tree, ast.Call) for kw in node.keywords if kw.arg in _EXAMPLE_KEYS]
    inside = {id(node) for payload in payloads for node in walk(payload)}
    return [item for item in found if id(item.named_value) not in inside]


def _lines_disagree(found: list[Found]) -> bool:
    """Whether two findings on one line say different things: only then does their order matter."""
    messages: dict[int, str] = {}
    return any(messages.setdefault(item.line, item.message) != item.message for item in found)


def _visit_order(tree: ast.Module) -> dict[int, int]:
    """The position of each node in a top-down visit that reads a dict's value before its key,
    and a call's keyword values before its function and arguments (as findings are reported)."""
    order: dict[int, int] = {}
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        order[id(node)] = len(order)
        if isinstance(node, ast.Dict):
            children = [child for pair in zip(node.values, node.keys) for child in pair if child is not None]
        elif isinstance(node, ast.Call):
            children = [*(kw.value for kw in node.keywords), node.func, *node.args]
        else:
            children = child_nodes(node)
        todo.extend(reversed(children))
    return order


def _target_name(target: ast.AST) -> str:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript):
        return const_str(target.slice) or ""
    return ""


def _literal(node: ast.AST | None) -> str | None:
    """A string literal, also as `Field("...")`, `Field(default="...")` or `SecretStr("...")`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        return node.value if isinstance(node.value, str) else node.value.decode("latin-1")
    if isinstance(node, ast.Call) and _raw_name(node.func) in _SECRET_WRAPPERS and last_name(node.func) in _SECRET_WRAPPERS:
        return _literal(argument(node, 0, "default"))
    return None


def _raw_name(node: ast.AST) -> str:
    """The last segment a dotted name would end with; cheap, to rule out most calls first."""
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""
