"""AUTH002: the backend hands the JWT to the browser other than in an HttpOnly cookie."""

from __future__ import annotations

import ast
import re
from bisect import bisect_left
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Severity
from cynic.parsing.pyast import argument, const_str, functions, keyword, last_name, nodes_of, scope_nodes
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._cookies import MISSING, cookie_calls
from cynic.rules.python._mentions import Mentions
from cynic.rules.python._routes import is_route
from cynic.source import FileKind, SourceFile

TOKEN_KEYS = frozenset(
    {"access_token", "refresh_token", "id_token", "token", "jwt", "auth_token", "session_token", "bearer_token",
     "accessToken", "refreshToken", "idToken", "authToken"}
)
_MENTIONS = Mentions("token", "jwt", "set_cookie", "authorization")  # cheap text filter before the tree walk
_TOKEN_HEADER = lazy_compile(r"^(?:authorization|.*token.*|.*jwt.*)$", re.I)


class JwtNotHttpOnlyCookie(FileRule):
    """The JWT reaches the browser in a JSON body, a header, or a cookie JavaScript can read.

    ## What it does
    Flags a route (or a function building the login response) that returns an access or
    refresh token in its body (`{"access_token": ...}`, `Token(access_token=...)`,
    `JSONResponse({...})`, a dict filled and then returned), puts it in a response header
    (`Authorization`, `X-Access-Token`), or sets an auth cookie without `httponly=True`.
    A model *declaring* `access_token: str` is not flagged; returning one is.

    ## Why is this bad?
    A token the page's JavaScript can read is stolen by any XSS, by a compromised npm
    dependency, or by a browser extension, and then replayed from anywhere until it expires
    (CWE-1004). An `HttpOnly` cookie is sent by the browser but never exposed to scripts.
    The rulebook requires the JWT to be issued only through `Set-Cookie` with `HttpOnly`.

    ## Example
    ```python
    @router.post("/login/access-token")
    def login(form_data: OAuth2PasswordRequestForm = Depends()) -> Token:
        token = create_access_token(form_data.username)
        return Token(access_token=token, token_type="bearer")
    ```

    ## Use instead
    ```python
    @router.post("/login/access-token")
    def login(response: Response, form_data: OAuth2PasswordRequestForm = Depends()) -> Message:
        token = create_access_token(form_data.username)
        response.set_cookie("access_token", token, httponly=True, secure=settings.COOKIE_SECURE, samesite="lax")
        return Message(message="logged in")
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/1004.html
    - https://owasp.org/www-community/HttpOnly
    - https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html#token-storage-on-client-side
    """

    code = "AUTH002"
    name = "jwt-not-httponly-cookie"
    severity = Severity.HIGH
    cwe = (1004,)
    fix = "Issue the token only with `response.set_cookie(..., httponly=True, secure=settings.COOKIE_SECURE, samesite='lax')` and return a body without it."
    kinds = frozenset({FileKind.PYTHON})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if not _MENTIONS.found_in(source.text):
            return
        sets_cookies = False
        for cookie in cookie_calls(source.tree):
            sets_cookies = True
            httponly = cookie.flag("httponly")
            readable = httponly is MISSING or (httponly is not ... and not httponly)
            if readable and (confidence := cookie.auth_confidence()) is not None:
                yield self.hit(source.path, cookie.call.lineno, "Auth cookie set without `httponly=True`: page scripts can read the token.", confidence=confidence)
        token_lines = _token_lines(source.tree)
        if not token_lines:
            return
        for function in functions(source.tree):
            if not _spans_any(function, token_lines):
                continue
            route = is_route(function)
            if not route and sets_cookies:
                continue  # a helper whose tokens this file turns into cookies
            confidence = None if route else Confidence.MEDIUM
            for line, message in _token_exposures(function):
                yield self.hit(source.path, line, message, confidence=confidence)


def _token_lines(tree: ast.Module) -> list[int]:
    """The lines, in order, of the module's token-named keywords (`access_token=`) and strings
    (`"access_token"`, `"Authorization"`). Every exposure `_token_exposures` reports goes through
    one of them inside the function (each of the `TOKEN_KEYS` also matches `_TOKEN_HEADER`): a
    function without one has none to report, and most files that mention tokens have none at all."""
    lines = [node.lineno for node in nodes_of(tree, ast.keyword) if node.arg in TOKEN_KEYS]  # type: ignore[attr-defined]
    lines.extend(node.lineno for node in nodes_of(tree, ast.Constant)
                 if isinstance(node.value, str) and _TOKEN_HEADER.match(node.value))  # type: ignore[attr-defined]
    return sorted(lines)


def _spans_any(function: ast.FunctionDef | ast.AsyncFunctionDef, lines: list[int]) -> bool:
    """Whether one of these sorted lines falls within the function's own lines."""
    at = bisect_left(lines, function.lineno)
    return at < len(lines) and lines[at] <= function.end_lineno  # type: ignore[operator]


def _token_exposures(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[int, str]]:
    """(line, message) for each place the function puts a token in a body or a header."""
    token_bodies: set[str] = set()
    for node in scope_nodes(function):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and _is_token_body(node.value):
                    token_bodies.add(target.id)
                elif isinstance(target, ast.Subscript) and const_str(target.slice) in TOKEN_KEYS and isinstance(target.value, ast.Name):
                    token_bodies.add(target.value.id)
                elif _is_response_header(target):
                    yield node.lineno, "Token put in a response header, where page scripts can read it."
        elif isinstance(node, ast.Return) and node.value is not None:
            if _is_token_body(node.value) or (isinstance(node.value, ast.Name) and node.value.id in token_bodies):
                yield node.lineno, "Token returned in the response body, where page scripts can read it."
        elif isinstance(node, ast.Call) and (last_name(node.func) or "").endswith("Response"):
            content = argument(node, 0, "content")
            if _is_token_body(content) or (isinstance(content, ast.Name) and content.id in token_bodies):
                yield node.lineno, "Token returned in the response body, where page scripts can read it."
            headers = keyword(node, "headers")
            if isinstance(headers, ast.Dict) and any(_TOKEN_HEADER.match(const_str(k) or "") for k in headers.keys):
                yield node.lineno, "Token put in a response header, where page scripts can read it."


def _is_token_body(node: ast.AST | None) -> bool:
    """A dict or model holding a token: `{"access_token": t}`, `Token(access_token=t)`."""
    if isinstance(node, ast.Dict):
        return any(const_str(key) in TOKEN_KEYS for key in node.keys)
    if isinstance(node, ast.Call):
        callee = last_name(node.func) or ""
        if (callee[:1].isupper() or callee == "dict") and any(kw.arg in TOKEN_KEYS for kw in node.keywords):
            return True
        return callee in ("model_validate", "parse_obj") and _is_token_body(argument(node, 0, "obj"))
    return False


def _is_response_header(target: ast.AST) -> bool:
    """`response.headers["Authorization"] = ...` (not a client's outgoing headers)."""
    if not (isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) and target.value.attr == "headers"):
        return False
    owner = last_name(target.value.value) or ""
    return "resp" in owner.lower() and bool(_TOKEN_HEADER.match(const_str(target.slice) or ""))
