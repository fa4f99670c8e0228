"""AUTH005: passwords hashed with anything but bcrypt, or stored as they came."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.models import Severity
from cynic.parsing.pyast import FunctionNode, argument, call_name, child_nodes, const_value, identifiers, keyword, nodes_of, walk
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._mentions import Mentions
from cynic.source import FileKind, SourceFile

_HASHLIB = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b", "blake2s", "new",
     "pbkdf2_hmac", "scrypt"}
)
_MENTIONS = Mentions("hash", "passw", "crypt", "argon", "pwd")  # cheap text filter before the tree walk
_BCRYPT_SCHEMES = frozenset({"bcrypt", "bcrypt_sha256"})
_PASSWORD = lazy_compile(r"password|passwd|passphrase|pwd|(?:^|_)pw(?:$|_)", re.I)
_HASH_FIELDS = frozenset({"hashed_password", "password_hash", "pwd_hash", "hashed_pw", "password_digest"})
_HASHED = lazy_compile(r"hash|digest|crypt", re.I)
_BCRYPT_CALLS = frozenset({"hashpw", "checkpw", "kdf"})
_ARGON2_CALLS = ("PasswordHasher", "argon2.PasswordHasher", "argon2.hash_password", "argon2.low_level.hash_secret")
_PASSLIB_METHODS = ("hash", "encrypt", "using")
# The last names of every callee `_HashCalls._read_callee` recognises (but hashlib's renamed imports).
_HASH_CALLEES = _BCRYPT_CALLS | _HASHLIB | {"CryptContext", "PasswordHash", "recommended", *_PASSLIB_METHODS} | {
    name.rsplit(".", 1)[-1] for name in _ARGON2_CALLS
}


class NonBcryptPasswordHash(FileRule):
    """Passwords hashed with a digest, pbkdf2, scrypt or argon2, or stored in plain text.

    ## What it does
    Flags password hashing that is not bcrypt: `hashlib` digests, `pbkdf2_hmac` and `scrypt`
    applied to a password (by the argument's name or the enclosing function's, such as
    `get_password_hash`), argon2 (`argon2.PasswordHasher()`, passlib's `argon2.hash`), passlib
    schemes other than bcrypt (`pbkdf2_sha256.hash`, `CryptContext(schemes=[...])` listing any
    scheme but bcrypt), pwdlib's `PasswordHash.recommended()` (argon2) or a `PasswordHash` with
    a non-bcrypt hasher, and a password stored as it came (`user.hashed_password = body.password`).
    `hashlib` on anything else (file checksums, ETags, cache keys) is not flagged, nor a
    SHA-256 pre-hash fed to `bcrypt.hashpw` in the same function.

    ## Why is this bad?
    A fast digest lets a stolen user table be cracked at billions of guesses per second
    (CWE-916); plain text needs no cracking at all. The rulebook mandates bcrypt exclusively,
    so that one vetted, slow, salted algorithm is used, reviewed and tuned across the code base.

    ## Example
    ```python
    import hashlib

    def get_password_hash(password: str) -> str:
        return hashlib.sha256(password.encode()).hexdigest()
    ```

    ## Use instead
    ```python
    import bcrypt

    def get_password_hash(password: str) -> str:
        return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/916.html
    - https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
    """

    code = "AUTH005"
    name = "non-bcrypt-password-hash"
    severity = Severity.HIGH
    cwe = (916,)
    fix = "Hash passwords with bcrypt only: `bcrypt.hashpw(pw.encode(), bcrypt.gensalt())` / `bcrypt.checkpw`, or `CryptContext(schemes=['bcrypt'])`."
    kinds = frozenset({FileKind.PYTHON})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if not _MENTIONS.found_in(source.text):
            return
        tree = source.tree
        calls = _HashCalls(_passlib_schemes(tree))
        for call in nodes_of(tree, ast.Call):
            calls.read(call)  # type: ignore[arg-type]
        found = calls.found + calls.password_digests(tree) + _stored_as_given(tree)
        for line, message in sorted(set(found)):
            yield self.hit(source.path, line, message)


class _HashCalls:
    """The file's calls that hash passwords, read one by one from the module's node index.

    A digest of a password is only reported once we know the function around it (the module, at
    top level) does not call bcrypt itself, as a SHA-256 pre-hash fed to bcrypt is fine.
    """

    def __init__(self, passlib_schemes: set[str]) -> None:
        self.passlib_schemes = passlib_schemes
        self.found: list[tuple[int, str]] = []
        self.bcrypt: list[ast.Call] = []
        self.digests: list[tuple[ast.Call, str]] = []
        # The last segment of the callee's dotted name that `_read_callee` may recognise: names
        # imported from hashlib may be renamed (`from hashlib import sha256 as digest`).
        self.callees = _HASH_CALLEES | {name.removeprefix("hashlib.") for name in passlib_schemes}

    def read(self, node: ast.Call) -> None:
        func = node.func  # the cheap test first: the callee's own last name, without its dotted name
        if (func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None) in self.callees:
            self._read_callee(node)
        for kw in node.keywords:
            if kw.arg in _HASH_FIELDS and _is_raw_password(kw.value):
                self.found.append((kw.value.lineno, "Password stored without hashing."))

    def _read_callee(self, node: ast.Call) -> None:
        name = call_name(node) or ""
        base, _, method = name.rpartition(".")
        if method in _BCRYPT_CALLS and base.endswith("bcrypt"):
            self.bcrypt.append(node)
        elif method == "CryptContext" and not _only_bcrypt(keyword(node, "schemes")):
            self.found.append((node.lineno, "passlib context allows a scheme other than bcrypt."))
        elif name.endswith("PasswordHash.recommended") or (method == "PasswordHash" and _non_bcrypt_hashers(node)):
            self.found.append((node.lineno, "pwdlib hashes passwords with argon2, not bcrypt."))
        elif name in _ARGON2_CALLS:
            self.found.append((node.lineno, "Passwords hashed with argon2, not bcrypt."))
        elif method in _PASSLIB_METHODS and (base in self.passlib_schemes or _passlib_dotted(base)):
            self.found.append((node.lineno, f"Passwords hashed with passlib's {base.rsplit('.', 1)[-1]}, not bcrypt."))
        elif (base == "hashlib" and method in _HASHLIB) or (not base and f"hashlib.{method}" in self.passlib_schemes):
            self.digests.append((node, method))

    def password_digests(self, tree: ast.Module) -> list[tuple[int, str]]:
        """The digests of a password made in a function (or at top level) that calls no bcrypt."""
        if not self.digests:
            return []
        owner = _innermost_functions(tree)
        with_bcrypt = {owner(call) for call in self.bcrypt}
        found = []
        for call, method in self.digests:
            function = owner(call)
            if function not in with_bcrypt and _hashes_a_password(call, function.name if function else ""):
                found.append((call.lineno, f"Password hashed with `{method}`, not bcrypt."))
        return found


def _innermost_functions(tree: ast.Module) -> Callable[[ast.AST], FunctionNode | None]:
    """For a node of the tree, the innermost function it is part of (decorators and defaults
    included), or None at module level; classes and lambdas do not count."""
    parents = {id(child): node for node in walk(tree) for child in child_nodes(node)}

    def owner(node: ast.AST) -> FunctionNode | None:
        while (parent := parents.get(id(node))) is not None:
            if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return parent
            node = parent
        return None

    return owner


def _hashes_a_password(call: ast.Call, function: str) -> bool:
    if any(_PASSWORD.search(word) for arg in (*call.args, *(k.value for k in call.keywords)) for word in identifiers(arg)):
        return True
    return bool(_PASSWORD.search(function)) and "token" not in function.lower()


def _stored_as_given(tree: ast.Module) -> list[tuple[int, str]]:
    """`user.hashed_password = body.password`: a password assigned to a hash field as it came."""
    return [
        (node.lineno, "Password stored without hashing.")
        for node in nodes_of(tree, ast.Assign)
        for target in node.targets  # type: ignore[attr-defined]
        if isinstance(target, ast.Attribute) and target.attr in _HASH_FIELDS and _is_raw_password(node.value)  # type: ignore[attr-defined]
    ]


def _passlib_schemes(tree: ast.Module) -> set[str]:
    """Local names of passlib hash schemes other than bcrypt, and names imported from hashlib."""
    names: set[str] = set()
    for node in nodes_of(tree, ast.ImportFrom):
        if isinstance(node, ast.ImportFrom) and node.module == "passlib.hash":
            names.update(a.asname or a.name for a in node.names if a.name not in _BCRYPT_SCHEMES)
        elif isinstance(node, ast.ImportFrom) and node.module == "hashlib":
            names.update(f"hashlib.{a.asname or a.name}" for a in node.names if a.name in _HASHLIB)
    return names


def _passlib_dotted(base: str) -> bool:
    return base.startswith("passlib.hash.") and base.rsplit(".", 1)[-1] not in _BCRYPT_SCHEMES


def _only_bcrypt(schemes: ast.expr | None) -> bool:
    value = const_value(schemes)
    if value is ...:
        return True  # not a literal: nothing to judge
    names = value.split(",") if isinstance(value, str) else value
    return all(str(name).strip() in _BCRYPT_SCHEMES for name in names)


def _non_bcrypt_hashers(call: ast.Call) -> bool:
    hashers = argument(call, 0, "hashers")
    if not isinstance(hashers, (ast.Tuple, ast.List)):
        return False
    return any(isinstance(h, ast.Call) and (call_name(h) or "").rsplit(".", 1)[-1] != "BcryptHasher" for h in hashers.elts)


def _is_raw_password(value: ast.expr) -> bool:
    """`body.password`, `new_password`: a password value itself, not a call that hashes it."""
    if not isinstance(value, (ast.Name, ast.Attribute)):
        return False
    words = list(identifiers(value))
    return any(_PASSWORD.search(w) for w in words) and not any(_HASHED.search(w) for w in words)
