"""AUTH001: an auth token written to localStorage or sessionStorage."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project.js_facts import ScriptFacts, defined_in
from cynic.rules.base import Hit, ProjectRule


class TokenInWebStorage(ProjectRule):
    """An auth token is kept in `localStorage` or `sessionStorage`.

    ## What it does
    Finds tokens written to web storage: `localStorage.setItem(key, value)` (also through
    `window.`, `sessionStorage`, `localStorage.token = ...` and `localStorage["jwt"] = ...`) where
    the value is a token (`res.data.access_token`, `token`, a `Bearer ...` string) or the key names
    one (`"jwt"`, `TOKEN_KEY`); a whole login response (`JSON.stringify(data)` after
    `const { data } = await api.post("/auth/login")`, medium confidence); `useLocalStorage("token")`
    hooks; zustand's `persist` middleware over state holding a token; redux-persist persisting the
    auth state (medium confidence: the slice is named for auth, its content is not read). Keys
    such as `auth` or `session` with no token in sight are reported with low confidence.

    A small storage wrapper is followed across files. The finding sits where the token is visible:
    on the wrapper's `setItem` when the wrapper itself says it stores a token
    (`saveToken(t)`, `setItem("access_token", t)`), otherwise on each call that passes a token to
    a generic wrapper (`storage.set("jwt", data.token)`).

    ## Why is this bad?
    Any script running on the page (one XSS, one compromised npm dependency) can read web storage
    and send the token away; it then works from anywhere until it expires. An `HttpOnly` cookie
    cannot be read by scripts at all, so keeping a copy in web storage undoes its protection.

    ## Example
    ```ts src/hooks/useAuth.ts
    export async function login(email: string, password: string) {
      const response = await api.post("/login/access-token", { username: email, password });
      localStorage.setItem("access_token", response.data.access_token);
    }
    ```

    ## Use instead
    ```ts src/hooks/useAuth.ts
    export async function login(email: string, password: string) {
      // The server sets an HttpOnly cookie; the browser sends it with credentials: "include".
      await api.post("/login/access-token", { username: email, password });
      localStorage.setItem("theme", "dark");
    }
    ```

    ## References
    - CWE-922: Insecure Storage of Sensitive Information
    - OWASP HTML5 Security Cheat Sheet: Local Storage
    """

    code = "AUTH001"
    name = "token-in-web-storage"
    severity = Severity.HIGH
    cwe = (922,)
    fix = "Do not keep the token in the browser: let the backend set it in an HttpOnly, Secure cookie and send requests with credentials; keep only non-secret UI state in web storage."
    extractors = ("script",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        scripts: dict[str, ScriptFacts] = dict(project.facts_of("script"))
        wrappers: dict[tuple[str, str], tuple[int | None, int | None]] = {}
        for path, facts in scripts.items():
            for write in facts.storage_writes:
                if write.evidence is not None:
                    yield self.hit(
                        path, write.line, f"A token goes into web storage: {write.evidence}.",
                        confidence=Confidence(write.confidence) if write.confidence != "high" else None,
                    )
                elif write.function and (write.key_param is not None or write.value_param is not None):
                    wrappers[(path, write.function)] = (write.key_param, write.value_param)
        if not wrappers:
            return
        for path, facts in scripts.items():
            for call in facts.token_calls:
                target = defined_in(path, call.callee, scripts)
                params = wrappers.get(target) if target else None
                why = next((w for index, w in call.token_args if params and index in params), None)
                if why is not None:
                    yield self.hit(path, call.line, f"A token goes into web storage through `{call.callee}`: {why}.")

