"""AUTH004: a frontend request to the app's own API that does not send the auth cookie."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project.js_facts import ScriptFacts
from cynic.project.js_runtime import server_side_scripts
from cynic.project.js_requests import THIRD_PARTY, UNKNOWN, AxiosCall, AxiosInstance, CredentialsSwitch, FetchClient
from cynic.rules.base import Hit, ProjectRule


class RequestWithoutCredentials(ProjectRule):
    """A request to the app's own API is sent without credentials.

    ## What it does
    Reads every request the browser code makes, with what the whole project does to it:
    - `fetch` (and ky/ofetch calls) to the app's API (a relative URL, `${API_URL}/...`,
      `import.meta.env.VITE_API_URL`) without `credentials: "include"`;
    - a ky/ofetch client created (`ky.create({ prefixUrl })`) without `credentials: "include"`;
    - an `axios.create({...})` without `withCredentials: true` that no
      `instance.defaults.withCredentials = true` or request interceptor turns on, and
      `axios.get(...)` without it while `axios.defaults` leaves it off;
    - the generated client's `OpenAPI.WITH_CREDENTIALS: false` never switched on, and a
      `client.setConfig({ baseUrl })` without `credentials: "include"`.

    Calls to third-party absolute URLs and static files are left alone; a helper that adds
    credentials makes its callers compliant. Server-only code is skipped: Next.js route
    handlers, middleware, `"use server"` / `server-only` modules, and App Router server
    components (`page.tsx`, `layout.tsx` without `"use client"`, and what only they import).

    A finding sits on the `fetch`/axios call, on the line creating a shared client (once, however
    many calls use it), and on the config line for generated clients. Calls whose target or
    options cynic cannot trace are reported with low confidence.

    ## Why is this bad?
    The rulebook keeps the JWT in an HttpOnly cookie, so the cookie is the credential: a request
    that does not send it is unauthenticated, and an API on another origin (`api.example.com`)
    only receives it with `credentials: "include"` / `withCredentials: true`. Frontend code that
    "works" without it is almost always sending a token it read from somewhere scripts can reach
    (see AUTH001) instead.

    ## Example
    ```ts src/api/items.ts
    export async function listItems() {
      const response = await fetch(`${import.meta.env.VITE_API_URL}/api/v1/items/`);
      return response.json();
    }
    ```

    ## Use instead
    ```ts src/api/items.ts
    export async function listItems() {
      const response = await fetch(`${import.meta.env.VITE_API_URL}/api/v1/items/`, { credentials: "include" });
      return response.json();
    }
    ```

    ## References
    - MDN: Request.credentials, XMLHttpRequest.withCredentials
    - OWASP Session Management Cheat Sheet: cookies
    """

    code = "AUTH004"
    name = "request-without-credentials"
    severity = Severity.MEDIUM
    cwe = ()
    fix = 'Send the auth cookie: `credentials: "include"` on fetch (or in the one helper every call goes through), `withCredentials: true` on the shared axios instance, `OpenAPI.WITH_CREDENTIALS = true` for the generated client.'
    extractors = ("script",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        scripts: dict[str, ScriptFacts] = dict(project.facts_of("script"))
        switches = [s for f in scripts.values() for s in (*f.axios, *f.client_configs) if isinstance(s, CredentialsSwitch)]
        enabled = {s.client for s in switches if s.enabled and s.kind.startswith("axios")}
        server_side = project.derived("js-server-side", lambda _: server_side_scripts(scripts))
        for path, facts in scripts.items():
            if path in server_side:
                continue
            yield from self._fetches(path, facts)
            yield from self._axios(path, facts, enabled)
        for kind in ("openapi", "client-config"):
            configs = [(path, s) for path, f in scripts.items() for s in (*f.axios, *f.client_configs) if isinstance(s, CredentialsSwitch) and s.kind == kind]
            if not any(s.enabled for _, s in configs):
                for path, switch in configs:
                    yield self.hit(path, switch.line, f"`{switch.client}` is configured without credentials, so the API client it sets up does not send the auth cookie.")

    def _fetches(self, path: str, facts: ScriptFacts) -> Iterator[Hit]:
        for call in facts.fetch_calls:
            if call.target == THIRD_PARTY or call.credentials in ("include", "delegated"):
                continue
            if isinstance(call, FetchClient):
                label = f"`{call.name}`" if call.name else f"A {call.library} client"
                yield self.hit(path, call.line, f'{label} is created with {call.library} without `credentials: "include"`; none of its requests send the auth cookie.')
                continue
            mode = "without credentials" if call.credentials == "omitted" else f'with credentials: "{call.credentials}"'
            doubt = call.target == UNKNOWN or call.init_from_caller
            yield self.hit(
                path, call.line, f'`fetch` to the API {mode}: the auth cookie is not sent cross-origin (use credentials: "include").',
                confidence=Confidence.LOW if doubt else None,
            )

    def _axios(self, path: str, facts: ScriptFacts, enabled: set[str]) -> Iterator[Hit]:
        for fact in facts.axios:
            if isinstance(fact, AxiosInstance) and fact.target != THIRD_PARTY:
                fixed_elsewhere = fact.with_credentials is None and ({fact.name, "axios"} & enabled)
                if not fact.with_credentials and not fixed_elsewhere:
                    label = f"`{fact.name}`" if fact.name else "An axios instance"
                    yield self.hit(path, fact.line, f"{label} is created without `withCredentials: true`; none of its requests send the auth cookie.")
            elif isinstance(fact, AxiosCall) and fact.target != THIRD_PARTY and not fact.with_credentials:
                if fact.with_credentials is None and "axios" in enabled:
                    continue
                yield self.hit(
                    path, fact.line, "axios request to the API without `withCredentials: true`; the auth cookie is not sent cross-origin.",
                    confidence=Confidence.LOW if fact.target == UNKNOWN else None,
                )
