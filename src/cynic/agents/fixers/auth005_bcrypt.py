"""AUTH005: passwords hashed with bcrypt.

Shapes fixed:
- a passlib `CryptContext(schemes=[...])` whose schemes are not only bcrypt becomes
  `CryptContext(schemes=["bcrypt"], deprecated="auto")`;
- `hashlib.<algorithm>(password.encode()).hexdigest()` (or `.digest()`) becomes
  `bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()`, and, in the same module, every
  comparison that re-hashes to verify (`hashlib...(plain.encode()).hexdigest() == hashed`,
  `hash_password(plain) == hashed`, `hmac.compare_digest(...)`) becomes
  `bcrypt.checkpw(plain.encode(), hashed.encode())`, so that login keeps working.
- a salted or iterated hash inside `hash_password(password)` / `get_password_hash(password)`: the
  function body becomes the bcrypt call, and the `verify_password(plain, hashed)` twin's body
  `return bcrypt.checkpw(plain.encode(), hashed.encode())`.
`bcrypt` is added to the project's dependency files. Hashes already stored stop verifying: users
need a password reset. Other salted or iterated constructions and argon2's `PasswordHasher`
(whose `verify` raises instead of returning False) are left to a person.
"""

from __future__ import annotations

import re

import libcst as cst

from cynic.agents.fixers import _python as py
from cynic.agents.fixers._dependencies import add_python_dependency
from cynic.agents.fixers._workspace import Unfixable, Workspace, locate
from cynic.models import Finding

HASHER = re.compile(r"hash_?password|password_?hash|hash_pw", re.I)
VERIFIER = re.compile(r"(verify|check)_?(password|pw)", re.I)
DIGESTS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s",
                     "sha3_256", "sha3_512"})


def fix(files: Workspace, finding: Finding) -> None:
    line = locate(files, finding)
    module = py.load(files, finding.path)
    context = module.at_line(line, cst.Call, lambda c: py.last_name(c.func) == "CryptContext")
    if context is not None:
        _bcrypt_context(files, module, context)
        return
    digest = module.at_line(line, cst.Call, lambda c: _hashed_input(c) is not None)
    hashers = module.nodes(cst.FunctionDef, _is_hasher)
    in_verifier = module.at_line(line, cst.FunctionDef, _is_verifier) is not None
    hasher = module.at_line(line, cst.FunctionDef, _is_hasher) or (hashers[0] if in_verifier and len(hashers) == 1 else None)
    if digest is None and hasher is not None:
        _rewrite_password_functions(files, module, hasher)
        return
    if digest is None:
        raise Unfixable(f"no `CryptContext(...)` or `hashlib.<digest>(password.encode())` at {finding.path}:{line}: "
                        "a salted, iterated or argon2 hash needs a person to move it to bcrypt")
    function = module.enclosing(digest, cst.FunctionDef)
    checked = module.module.visit(_CheckWithBcrypt(function.name.value if function else None))
    py.save(files, finding.path, py.with_import(checked, "bcrypt"))  # type: ignore[arg-type]
    module = py.load(files, finding.path)
    digest = module.at_line(locate(files, finding), cst.Call, lambda c: _hashed_input(c) is not None)
    if digest is not None:  # a hash that is stored, not compared
        hashed = f"bcrypt.hashpw({module.code(_hashed_input(digest))}, bcrypt.gensalt()).decode()"
        py.save(files, finding.path, module.replace(digest, cst.parse_expression(hashed)))
    for unused in ("hashlib", "hmac"):
        _drop_unused(files, finding.path, unused)
    add_python_dependency(files, "bcrypt")


def _is_hasher(function: cst.FunctionDef) -> bool:
    return bool(HASHER.search(function.name.value)) and len(function.params.params) == 1


def _is_verifier(function: cst.FunctionDef) -> bool:
    return bool(VERIFIER.search(function.name.value)) and len(function.params.params) == 2


def _rewrite_password_functions(files: Workspace, module: py.PyFile, hasher: cst.FunctionDef) -> None:
    """Replace the bodies of `hash_password(pw)` and its `verify_password(plain, hashed)` twin with bcrypt."""
    password = hasher.params.params[0].name.value
    replacements: dict[cst.CSTNode, cst.CSTNode] = {
        hasher: _with_body(hasher, f"return bcrypt.hashpw({password}.encode(), bcrypt.gensalt()).decode()")}
    for verifier in module.nodes(cst.FunctionDef, _is_verifier):
        first, second = (p.name.value for p in verifier.params.params)
        plain, hashed = (second, first) if "hash" in first else (first, second)
        replacements[verifier] = _with_body(verifier, f"return bcrypt.checkpw({plain}.encode(), {hashed}.encode())")
    py.save(files, module.path, py.with_import(module.replace_all(replacements), "bcrypt"))
    for unused in ("hashlib", "hmac", "secrets"):
        _drop_unused(files, module.path, unused)
    add_python_dependency(files, "bcrypt")


def _with_body(function: cst.FunctionDef, code: str) -> cst.FunctionDef:
    """The function with its body replaced by `code`, its docstring kept."""
    body = list(function.body.body)  # type: ignore[union-attr]
    docstring = body[:1] if body and py.is_docstring(body[0]) else []
    return function.with_changes(body=function.body.with_changes(body=[*docstring, cst.parse_statement(code + "\n")]))


def _hashed_input(call: cst.Call) -> cst.BaseExpression | None:
    """`password.encode()` in `hashlib.sha256(password.encode()).hexdigest()`, else None."""
    if not (isinstance(call.func, cst.Attribute) and call.func.attr.value in ("hexdigest", "digest") and not call.args):
        return None
    inner = call.func.value
    if not (isinstance(inner, cst.Call) and py.dotted(inner.func) in {f"hashlib.{d}" for d in DIGESTS} and len(inner.args) == 1):
        return None
    data = inner.args[0].value
    is_encode = isinstance(data, cst.Call) and isinstance(data.func, cst.Attribute) and data.func.attr.value == "encode"
    return data if is_encode and isinstance(data.func.value, (cst.Name, cst.Attribute)) else None  # type: ignore[union-attr]


class _CheckWithBcrypt(cst.CSTTransformer):
    """Turns a re-hash-and-compare into `bcrypt.checkpw(plain.encode(), hashed.encode())`."""

    def __init__(self, hasher: str | None) -> None:
        self.hasher = hasher

    def _plain(self, node: cst.BaseExpression) -> cst.BaseExpression | None:
        if isinstance(node, cst.Call) and _hashed_input(node) is not None:
            return _hashed_input(node)
        if isinstance(node, cst.Call) and self.hasher and py.last_name(node.func) == self.hasher and len(node.args) == 1:
            return cst.parse_expression(f"{cst.Module([]).code_for_node(node.args[0].value)}.encode()")
        return None

    def _checkpw(self, left: cst.BaseExpression, right: cst.BaseExpression) -> cst.BaseExpression | None:
        for candidate, stored in ((left, right), (right, left)):
            plain = self._plain(candidate)
            if plain is not None:
                code = cst.Module([]).code_for_node
                return cst.parse_expression(f"bcrypt.checkpw({code(plain)}, {code(stored)}.encode())")
        return None

    def leave_Comparison(self, original: cst.Comparison, updated: cst.Comparison) -> cst.BaseExpression:
        if len(updated.comparisons) != 1 or not isinstance(updated.comparisons[0].operator, cst.Equal):
            return updated
        return self._checkpw(updated.left, updated.comparisons[0].comparator) or updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if py.dotted(updated.func) in ("hmac.compare_digest", "secrets.compare_digest") and len(updated.args) == 2:
            return self._checkpw(updated.args[0].value, updated.args[1].value) or updated
        return updated


def _bcrypt_context(files: Workspace, module: py.PyFile, context: cst.Call) -> None:
    schemes = py.keyword(context, "schemes")
    is_bcrypt_only = (schemes is not None and isinstance(schemes.value, (cst.List, cst.Tuple))
                      and [py.is_string(e.value, "bcrypt") for e in schemes.value.elements] == [True])
    if is_bcrypt_only:
        return
    edited = py.set_keyword(py.set_keyword(context, "schemes", '["bcrypt"]'), "deprecated", '"auto"')
    py.save(files, module.path, module.replace(context, edited))
    add_python_dependency(files, "bcrypt")


def _drop_unused(files: Workspace, path: str, name: str) -> None:
    module = py.load(files, path).module
    if py.name_is_read(module, name):
        return
    body = [s for s in module.body if not (isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], cst.Import)
                                           and [a.evaluated_name for a in s.body[0].names] == [name])]
    if body and len(body) < len(module.body) and body[0] is not module.body[0]:
        body[0] = body[0].with_changes(leading_lines=[])
    py.save(files, path, module.with_changes(body=body))
