"""SEC001: API keys, passwords, signing keys and tokens written into the code base."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from cynic.models import Severity
from cynic.parsing.pyast import NodeVisitor, argument, call_name, const_str, last_name
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._secret_lines import compose_secrets, dockerfile_secrets, dotenv_secrets, script_secrets
from cynic.rules.python._secret_patterns import is_named_secret, is_secret_value, secret_shape, url_with_credentials
from cynic.source import FileKind, SourceFile

_EXAMPLE_KEYS = frozenset({"example", "examples", "json_schema_extra", "openapi_examples", "schema_extra"})
_ENV_READERS = frozenset({"getenv", "get", "environ.get", "setdefault"})
_KEY_ARGUMENT = {"encode": 1, "decode": 1, "new": 0}  # jwt.encode(payload, KEY), jwt.decode(token, KEY), hmac.new(KEY)


class HardcodedSecret(FileRule):
    """A secret written into source, settings defaults, a committed `.env` or a compose file.

    ## What it does
    Flags string literals assigned to secret-named variables, settings fields, keyword
    arguments, dict keys and parameters (`SECRET_KEY`, `JWT_SECRET`, `api_key`, `password`,
    `*_TOKEN`, a secret kind of `*_KEY`, not `PRIMARY_KEY` or `cache_key`), including a
    placeholder default of a settings field (`SECRET_KEY: str = "changethis"`), an
    `os.getenv("SECRET_KEY", "fallback")` default, the key given to `jwt.encode`/`jwt.decode`/
    `hmac.new`, passwords inside connection URLs, and known credential shapes anywhere (AWS
    key ids, GitHub, Slack and Stripe tokens, `sk-` API keys, private key blocks). In a
    committed `.env` it flags real-looking values of secret-named keys (placeholders such as
    `changethis` are not real secrets and are not reported; `.env.example` files are checked for
    credential shapes only); in compose files, literal secret values under `environment:`
    (`${VAR}` interpolation is fine); in Dockerfiles, `ENV`/`ARG` defaults of secret-named
    variables (they stay in the image layers); in TS/JS, `const API_KEY = "..."`,
    `apiKey: "..."` and credential shapes. Values published to browsers by design are not
    secrets: Stripe `pk_live_...` keys, `*_PUBLIC_KEY`, `*_SITE_KEY`, `*_SEARCH_KEY`; nor are
    names of storage slots (`TOKEN_STORAGE_KEY = "app.jwt"`), fetch's `credentials: "include"`,
    or a password equal to its user name (`postgres:postgres@db`, the image's default).

    ## Why is this bad?
    A secret in the repository is shared with everyone who can read it, every fork and CI
    log, forever: it survives in git history after it is deleted (CWE-798). A settings default
    silently becomes the production key when the environment variable is missing, so anyone
    who reads the code can sign tokens for any user.

    ## Example
    ```python app/core/config.py
    class Settings(BaseSettings):
        SECRET_KEY: str = "changethis"
    ```

    ## Use instead
    ```python app/core/config.py
    class Settings(BaseSettings):
        model_config = SettingsConfigDict(env_file=".env")
        SECRET_KEY: SecretStr
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/798.html
    - https://docs.pydantic.dev/latest/concepts/pydantic_settings/
    - https://github.com/Yelp/detect-secrets
    """

    code = "SEC001"
    name = "hardcoded-secret"
    severity = Severity.HIGH
    cwe = (798,)
    fix = "Read the secret from the environment (a `BaseSettings` field with no default, typed `SecretStr`), rotate the exposed value, and keep real values out of committed files."
    kinds = frozenset({FileKind.PYTHON, FileKind.DOTENV, FileKind.COMPOSE, FileKind.SCRIPT, FileKind.DOCKERFILE})
    needs_tree = False

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if source.kind is FileKind.PYTHON and source.tree is not None:
            finder = _PythonSecrets()
            finder.visit(source.tree)
            found = finder.found
        elif source.kind is FileKind.DOTENV:
            found = list(dotenv_secrets(source.name, source.lines))
        elif source.kind is FileKind.COMPOSE:
            found = list(compose_secrets(source.lines))
        elif source.kind is FileKind.DOCKERFILE:
            found = list(dockerfile_secrets(source.lines))
        else:
            found = list(script_secrets(source.lines))
        seen: set[int] = set()
        for line, message in found:
            if line not in seen:
                seen.add(line)
                yield self.hit(source.path, line, message)


class _PythonSecrets(NodeVisitor):
    """One pass over a module; example payloads in schemas (`json_schema_extra`) are not secrets."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        self.in_example = 0

    def report(self, name: str, value: ast.AST | None) -> None:
        text = _literal(value)
        if text is not None and self.in_example == 0 and name and is_named_secret(name, text):
            self.found.append((getattr(value, "lineno", 0), f"`{name}` is assigned a hard-coded secret."))

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.report(_target_name(target), node.value)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.report(_target_name(node.target), node.value)
        self.generic_visit(node)

    def visit_arguments(self, node: ast.arguments) -> None:
        positional = [*node.posonlyargs, *node.args]
        for arg, default in zip(positional[len(positional) - len(node.defaults):], node.defaults):
            self.report(arg.arg, default)
        for arg, default in zip(node.kwonlyargs, node.kw_defaults):
            self.report(arg.arg, default)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values):
            name = const_str(key) or ""
            if name in _EXAMPLE_KEYS:
                self.in_example += 1
                self.visit(value)
                self.in_example -= 1
                continue
            self.report(name, value)
            self.visit(value)
            if key is not None:
                self.visit(key)

    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node) or ""
        method = last_name(node.func) or ""
        if method in _ENV_READERS and ("environ" in name or "getenv" in name) and len(node.args) > 1:
            self.report(const_str(node.args[0]) or "", node.args[1])
        elif method in _KEY_ARGUMENT and name.split(".")[0] in ("jwt", "jose", "hmac", "PyJWT"):
            key = argument(node, _KEY_ARGUMENT[method], "key")
            if _literal(key) and is_secret_value(_literal(key) or ""):
                self.found.append((node.lineno, "A signing key is written into the code."))
        for kw in node.keywords:
            if kw.arg in _EXAMPLE_KEYS:
                self.in_example += 1
                self.visit(kw.value)
                self.in_example -= 1
                continue
            if kw.arg:
                self.report(kw.arg, kw.value)
            self.visit(kw.value)
        self.visit(node.func)
        for arg in node.args:
            self.visit(arg)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):  # a docstring: examples, not config
            if secret_shape(node.value.value):
                self.found.append((node.lineno, "A credential is written into the code."))
            return
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and (secret_shape(node.value) or url_with_credentials(node.value)):
            self.found.append((node.lineno, "A credential is written into the code."))


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
    if isinstance(node, ast.Call) and last_name(node.func) in ("Field", "SecretStr", "SecretBytes"):
        return _literal(argument(node, 0, "default"))
    return None
