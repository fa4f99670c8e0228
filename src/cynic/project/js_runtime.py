"""Which scripts run only on the server: Next.js route handlers, middleware, server components.

A script is server-side when its own path or markers say so (`ScriptFacts.server_side`: route
handlers, `pages/api/`, `middleware.ts`, `"use server"`, `import "server-only"`), or, in a
project that uses Next.js, when it is an App Router file without `"use client"` (`page.tsx`,
`layout.tsx`...) or a module only such files import. Everything a `"use client"` file or a
Pages Router page imports, directly or not, runs in the browser too.
"""

from __future__ import annotations

from collections.abc import Iterable

from cynic.lazy_pattern import lazy_compile
from cynic.project.js_facts import ScriptFacts
from cynic.project.js_modules import resolve_module

_APP_ROUTER_FILE = lazy_compile(r"(?:^|/)app/(?:.*/)?(?:page|layout|template|default|not-found|loading|route)\.[cm]?[jt]sx?$")
_PAGES_ROUTER_FILE = lazy_compile(r"(?:^|/)pages/(?!api/).+\.[cm]?[jt]sx?$")


def server_side_scripts(scripts: dict[str, ScriptFacts]) -> frozenset[str]:
    """Paths of the scripts that never run in the browser (see the module docstring)."""
    marked = {path for path, facts in scripts.items() if facts.server_side}
    if not any(i.module == "next" or i.module.startswith("next/") for facts in scripts.values() for i in facts.imports):
        return frozenset(marked)
    browser_roots = [p for p, f in scripts.items() if f.client_directive or _PAGES_ROUTER_FILE.search(p)]
    server_roots = [p for p, f in scripts.items() if _APP_ROUTER_FILE.search(p) and not f.client_directive]
    in_browser = _reachable(browser_roots, scripts, stop_at_client=False)
    on_server = _reachable([*server_roots, *marked], scripts, stop_at_client=True)
    return frozenset(marked | (on_server - in_browser))


def _reachable(roots: Iterable[str], scripts: dict[str, ScriptFacts], *, stop_at_client: bool) -> set[str]:
    """`roots` and every audited module they import, transitively (not past a `"use client"` file)."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        path = stack.pop()
        if path in seen:
            continue
        seen.add(path)
        for imported in scripts[path].imports:
            target = resolve_module(path, imported.module, scripts.keys())
            if target is not None and target not in seen and not (stop_at_client and scripts[target].client_directive):
                stack.append(target)
    return seen
