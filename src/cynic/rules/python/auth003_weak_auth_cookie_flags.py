"""AUTH003: an auth cookie sent over plain HTTP or to cross-site requests."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._cookies import MISSING, CookieCall, cookie_calls
from cynic.source import FileKind, SourceFile


class WeakAuthCookieFlags(FileRule):
    """An auth cookie without `secure`, or with `samesite` missing or `"none"`.

    ## What it does
    Flags `set_cookie(...)` on a response for a cookie whose name or value says auth (token,
    session, jwt, auth, access, refresh, sid) when `secure` is missing or hard-coded `False`, or
    when `samesite` is missing, `"none"` or `None`. A `secure=` switched by configuration
    (`secure=settings.COOKIE_SECURE`, `secure=settings.ENVIRONMENT != "local"`) is accepted.
    Flags passed through `**cookie_kwargs` are read when the dict is a literal in the same file.
    A cookie with a literal non-auth name (`theme`, `locale`) is not flagged; one whose name is
    unknown is flagged with low confidence.

    ## Why is this bad?
    Without `Secure` the browser also sends the cookie over plain HTTP, where anyone on the
    network reads the session (CWE-614). With `SameSite=None`, or no explicit policy, the
    cookie rides along on requests other sites trigger, which opens the door to cross-site
    request forgery (CWE-1275). The rulebook requires `Secure=True` in production and
    `SameSite="lax"` or `"strict"`.

    ## Example
    ```python
    @router.post("/login")
    def login(response: Response, form_data: OAuth2PasswordRequestForm = Depends()):
        token = create_access_token(form_data.username)
        response.set_cookie("access_token", token, httponly=True, secure=False, samesite="none")
    ```

    ## Use instead
    ```python
    @router.post("/login")
    def login(response: Response, form_data: OAuth2PasswordRequestForm = Depends()):
        token = create_access_token(form_data.username)
        response.set_cookie("access_token", token, httponly=True, secure=settings.COOKIE_SECURE, samesite="lax")
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/614.html
    - https://cwe.mitre.org/data/definitions/1275.html
    - https://developer.mozilla.org/en-US/docs/Web/HTTP/Cookies#restrict_access_to_cookies
    """

    code = "AUTH003"
    name = "weak-auth-cookie-flags"
    severity = Severity.MEDIUM
    cwe = (614, 1275)
    fix = "Set `secure=settings.COOKIE_SECURE` (true outside local development) and `samesite='lax'` (or `'strict'`) on the auth cookie."
    kinds = frozenset({FileKind.PYTHON})

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if "set_cookie" not in source.text:
            return
        for cookie in cookie_calls(source.tree):
            confidence = cookie.auth_confidence()
            if confidence is None:
                continue
            problems = list(_weak_flags(cookie))
            if problems:
                message = "Auth cookie " + " and ".join(problems) + "."
                yield self.hit(source.path, cookie.call.lineno, message, confidence=confidence if confidence is Confidence.LOW else None)


def _weak_flags(cookie: CookieCall) -> Iterator[str]:
    secure = cookie.flag("secure")
    if secure is MISSING:
        yield "is not marked `secure`"
    elif secure is not ... and not secure:
        yield "has `secure` hard-coded off"
    samesite = cookie.flag("samesite")
    if samesite is MISSING:
        yield "has no explicit `samesite`"
    elif samesite is None or (isinstance(samesite, str) and samesite.lower() == "none"):
        yield "has `samesite` none, so it is sent on cross-site requests"
