"""App-wide frontend files: HTTP clients, auth API, app shell and package manifest."""

from __future__ import annotations

import json

from .names import Entity
from .tree import BAD_VARIANT_RATE, Tree


def _clients(tree: Tree) -> None:
    tree.add("frontend/src/api/client.ts", '''import axios from "axios";

export const client = axios.create({
  baseURL: import.meta.env.VITE_API_URL ?? "/api/v1",
  withCredentials: true,
  headers: { "Content-Type": "application/json" },
});

client.interceptors.response.use(
  (response) => response,
  (error) => {
    if (error.response?.status === 401) {
      window.location.assign("/login");
    }
    return Promise.reject(error);
  },
);
''')
    tree.add("frontend/src/api/http.ts", '''export const API_URL: string = import.meta.env.VITE_API_URL ?? "/api/v1";

export async function apiFetch<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await fetch(`${API_URL}${path}`, {
    ...init,
    credentials: "include",
    headers: { "Content-Type": "application/json", ...(init.headers ?? {}) },
  });
  if (!res.ok) {
    throw new Error(`${init.method ?? "GET"} ${path} failed with ${res.status}`);
  }
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}
''')


def _auth(tree: Tree) -> None:
    path = "frontend/src/api/auth.ts"
    stored = tree.rng.random() < BAD_VARIANT_RATE
    if stored:
        tree.plant("AUTH001", path)
        keep = '''  const data = (await res.json()) as { access_token: string };
  localStorage.setItem("access_token", data.access_token);'''
    else:
        keep = "  // the session lives in an HttpOnly cookie set by the server"
    tree.add(path, f'''import {{ API_URL }} from "./http";

export async function login(email: string, password: string): Promise<void> {{
  const form = new URLSearchParams({{ username: email, password }});
  const res = await fetch(`${{API_URL}}/login/access-token`, {{
    method: "POST",
    body: form,
    credentials: "include",
  }});
  if (!res.ok) {{
    throw new Error("Invalid credentials");
  }}
{keep}
}}

export async function logout(): Promise<void> {{
  await fetch(`${{API_URL}}/logout`, {{ method: "POST", credentials: "include" }});
}}

export function rememberTheme(theme: "light" | "dark"): void {{
  localStorage.setItem("ui.theme", theme);
}}
''')


def _shell(tree: Tree, entities: list[Entity]) -> None:
    imports = "\n".join(
        f'const {e.cls_plural}Page = lazy(() => import("./routes/{e.kebab}"));' for e in entities
    )
    routes = "\n".join(
        f'        <Route path="/{e.kebab}" element={{<{e.cls_plural}Page />}} />' for e in entities
    )
    tree.add("frontend/src/App.tsx", f'''import {{ lazy, Suspense }} from "react";
import {{ BrowserRouter, Route, Routes }} from "react-router-dom";

{imports}

export default function App() {{
  return (
    <BrowserRouter>
      <Suspense fallback={{<p>Loading…</p>}}>
        <Routes>
{routes}
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}}
''')
    tree.add("frontend/src/main.tsx", '''import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import React from "react";
import ReactDOM from "react-dom/client";

import App from "./App";

const queryClient = new QueryClient();

ReactDOM.createRoot(document.getElementById("root")!).render(
  <React.StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </React.StrictMode>,
);
''')
    package = {
        "name": "frontend",
        "private": True,
        "version": "0.1.0",
        "type": "module",
        "scripts": {"dev": "vite", "build": "tsc -b && vite build", "lint": "eslint src"},
        "dependencies": {
            "@tanstack/react-query": "^5.59.0",
            "axios": "^1.7.7",
            "dompurify": "^3.1.7",
            "react": "^18.3.1",
            "react-dom": "^18.3.1",
            "react-router-dom": "^6.27.0",
        },
        "devDependencies": {"typescript": "^5.6.3", "vite": "^5.4.10", "@vitejs/plugin-react": "^4.3.3"},
    }
    tree.add("frontend/package.json", json.dumps(package, indent=2))


def add_frontend_core(tree: Tree, entities: list[Entity]) -> None:
    """Write the shared frontend files."""
    _clients(tree)
    _auth(tree)
    _shell(tree, entities)
