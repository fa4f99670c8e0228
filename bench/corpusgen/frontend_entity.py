"""Per-entity React files: API client, data hook, list component and route, in three styles."""

from __future__ import annotations

from .names import Entity
from .tree import Tree


def _ts_interface(e: Entity) -> str:
    rows = "\n".join(f"  {f.name}: {f.ts_type};" for f in e.fields)
    return f"export interface {e.cls} {{\n  id: string;\n  owner_id: string;\n{rows}\n  created_at: string;\n}}"


def add_api(tree: Tree, e: Entity) -> None:
    """Write `src/api/<entities>.ts`; some fetch calls forget credentials (AUTH004)."""
    path = f"frontend/src/api/{e.camel_plural}.ts"
    if e.ts_style == 0:
        body = f'''import {{ client }} from "./client";

{_ts_interface(e)}

export type {e.cls}Input = Omit<{e.cls}, "id" | "owner_id" | "created_at">;

export const {e.camel_plural}Api = {{
  list: (skip = 0, limit = 100) =>
    client.get<{{ data: {e.cls}[]; count: number }}>("/{e.kebab}/", {{ params: {{ skip, limit }} }}).then((r) => r.data),
  get: (id: string) => client.get<{e.cls}>(`/{e.kebab}/${{id}}`).then((r) => r.data),
  create: (body: {e.cls}Input) => client.post<{e.cls}>("/{e.kebab}/", body).then((r) => r.data),
  update: (id: string, body: Partial<{e.cls}Input>) => client.put<{e.cls}>(`/{e.kebab}/${{id}}`, body).then((r) => r.data),
  remove: (id: string) => client.delete(`/{e.kebab}/${{id}}`),
}};
'''
    else:
        bare = tree.violate("AUTH004", path, rate=0.06)
        creds = "" if bare else ', credentials: "include"'
        list_opts = "" if bare else ', { credentials: "include" }'
        body = f'''import {{ API_URL, apiFetch }} from "./http";

{_ts_interface(e)}

export type {e.cls}Input = Omit<{e.cls}, "id" | "owner_id" | "created_at">;

export async function list{e.cls_plural}(page = 1, size = 25): Promise<{{ data: {e.cls}[]; count: number }}> {{
  const res = await fetch(`${{API_URL}}/{e.kebab}/?page=${{page}}&size=${{size}}`{list_opts});
  if (!res.ok) {{
    throw new Error(`Failed to load {e.plural.replace("_", " ")}: ${{res.status}}`);
  }}
  return res.json();
}}

export async function get{e.cls}(id: string): Promise<{e.cls}> {{
  const res = await fetch(`${{API_URL}}/{e.kebab}/${{id}}`, {{ method: "GET"{creds} }});
  if (!res.ok) throw new Error(res.statusText);
  return res.json();
}}

export function create{e.cls}(body: {e.cls}Input): Promise<{e.cls}> {{
  return apiFetch<{e.cls}>("/{e.kebab}/", {{ method: "POST", body: JSON.stringify(body) }});
}}

export function update{e.cls}(id: string, body: Partial<{e.cls}Input>): Promise<{e.cls}> {{
  return apiFetch<{e.cls}>(`/{e.kebab}/${{id}}`, {{ method: "PUT", body: JSON.stringify(body) }});
}}

export function delete{e.cls}(id: string): Promise<void> {{
  return apiFetch<void>(`/{e.kebab}/${{id}}`, {{ method: "DELETE" }});
}}
'''
    tree.add(path, body)


def add_hook(tree: Tree, e: Entity) -> None:
    """Write `src/hooks/use<Entities>.ts`: react-query in style 0, useState/useEffect otherwise."""
    path = f"frontend/src/hooks/use{e.cls_plural}.ts"
    if e.ts_style == 0:
        body = f'''import {{ useMutation, useQuery, useQueryClient }} from "@tanstack/react-query";

import {{ {e.camel_plural}Api, type {e.cls}Input }} from "../api/{e.camel_plural}";

export function use{e.cls_plural}(skip = 0, limit = 100) {{
  return useQuery({{ queryKey: ["{e.plural}", skip, limit], queryFn: () => {e.camel_plural}Api.list(skip, limit) }});
}}

export function useCreate{e.cls}() {{
  const queryClient = useQueryClient();
  return useMutation({{
    mutationFn: (body: {e.cls}Input) => {e.camel_plural}Api.create(body),
    onSuccess: () => queryClient.invalidateQueries({{ queryKey: ["{e.plural}"] }}),
  }});
}}

export function useDelete{e.cls}() {{
  const queryClient = useQueryClient();
  return useMutation({{
    mutationFn: (id: string) => {e.camel_plural}Api.remove(id),
    onSuccess: () => queryClient.invalidateQueries({{ queryKey: ["{e.plural}"] }}),
  }});
}}
'''
    else:
        body = f'''import {{ useCallback, useEffect, useState }} from "react";

import {{ list{e.cls_plural}, type {e.cls} }} from "../api/{e.camel_plural}";

export const use{e.cls_plural} = (page: number = 1) => {{
  const [items, setItems] = useState<{e.cls}[]>([]);
  const [count, setCount] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<Error | null>(null);

  const reload = useCallback(async () => {{
    setLoading(true);
    try {{
      const result = await list{e.cls_plural}(page);
      setItems(result.data);
      setCount(result.count);
    }} catch (err) {{
      setError(err as Error);
    }} finally {{
      setLoading(false);
    }}
  }}, [page]);

  useEffect(() => {{
    void reload();
  }}, [reload]);

  return {{ items, count, loading, error, reload }};
}};
'''
    tree.add(path, body)


def _html_cell(tree: Tree, e: Entity, path: str, var: str) -> str:
    """A rich-text cell: sanitized with DOMPurify, or (a few percent) raw (XSS001)."""
    field = e.fields[0].name
    if tree.violate("XSS001", path, rate=0.05):
        return f"<td dangerouslySetInnerHTML={{{{ __html: {var}.{field} }}}} />"
    if e.ts_style == 2:
        return f"<td dangerouslySetInnerHTML={{{{ __html: DOMPurify.sanitize(String({var}.{field})) }}}} />"
    return f"<td>{{{var}.{field}}}</td>"


def add_component(tree: Tree, e: Entity) -> None:
    """Write `src/components/<Entity>List.tsx`."""
    path = f"frontend/src/components/{e.cls}List.tsx"
    cells = "\n".join(f"            <td>{{String(row.{f.name} ?? \"\")}}</td>" for f in e.fields[1:])
    heads = "\n".join(f"          <th>{f.name.replace('_', ' ')}</th>" for f in e.fields)
    first = _html_cell(tree, e, path, "row")
    hook = f"use{e.cls_plural}"
    if e.ts_style == 0:
        signature = f"export function {e.cls}List({{ onSelect }}: {e.cls}ListProps) {{"
        data = f"  const {{ data, isLoading }} = {hook}();\n  const rows = data?.data ?? [];\n  const remove = useDelete{e.cls}();"
        loading = "isLoading"
        imports = f'import {{ {hook}, useDelete{e.cls} }} from "../hooks/{hook}";'
        action = "<button onClick={() => remove.mutate(row.id)}>Delete</button>"
        end = "}"
    else:
        signature = f"export const {e.cls}List: React.FC<{e.cls}ListProps> = ({{ onSelect }}) => {{"
        data = f"  const {{ items: rows, loading }} = {hook}();"
        loading = "loading"
        imports = f'import {{ {hook} }} from "../hooks/{hook}";'
        action = "<button onClick={() => onSelect?.(row)}>Open</button>"
        end = "};"
    purify = 'import DOMPurify from "dompurify";\n' if "DOMPurify" in first else ""
    tree.add(path, f'''import React from "react";
{purify}
import type {{ {e.cls} }} from "../api/{e.camel_plural}";
{imports}

interface {e.cls}ListProps {{
  onSelect?: (row: {e.cls}) => void;
}}

{signature}
{data}

  if ({loading}) {{
    return <p className="muted">Loading {e.plural.replace("_", " ")}…</p>;
  }}

  return (
    <table className="table {e.kebab}">
      <thead>
        <tr>
{heads}
          <th />
        </tr>
      </thead>
      <tbody>
        {{rows.map((row) => (
          <tr key={{row.id}} onClick={{() => onSelect?.(row)}}>
            {first}
{cells}
            <td>{action}</td>
          </tr>
        ))}}
      </tbody>
    </table>
  );
{end}
''')


def add_route(tree: Tree, e: Entity) -> None:
    """Write `src/routes/<entities>.tsx`, a page that hosts the list."""
    path = f"frontend/src/routes/{e.kebab}.tsx"
    remember = ""
    if e.ts_style != 0:
        remember = f'''
  useEffect(() => {{
    localStorage.setItem("{e.camel}.lastOpened", selected?.id ?? "");
  }}, [selected]);
'''
    tree.add(path, f'''import {{ useEffect, useState }} from "react";

import type {{ {e.cls} }} from "../api/{e.camel_plural}";
import {{ {e.cls}List }} from "../components/{e.cls}List";

export default function {e.cls_plural}Page() {{
  const [selected, setSelected] = useState<{e.cls} | null>(null);
{remember}
  useEffect(() => {{
    document.title = "{e.cls_plural}";
  }}, []);

  return (
    <section className="page">
      <h1>{e.plural.replace("_", " ").title()}</h1>
      <{e.cls}List onSelect={{setSelected}} />
      {{selected && <aside className="details">{{selected.{e.fields[0].name}}}</aside>}}
    </section>
  );
}}
''')
