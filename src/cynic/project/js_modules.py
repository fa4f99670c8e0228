"""Which audited file an import specifier names: `./auth/storage`, `../lib/api`, `@/lib/api`."""

from __future__ import annotations

import posixpath
from collections.abc import Collection

_SUFFIXES = ("", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts")
_INDEXES = tuple(f"/index{suffix}" for suffix in _SUFFIXES[1:])
_ALIASES = ("@/", "~/", "#/", "src/", "@src/", "@app/")


def resolve_module(importer: str, specifier: str, paths: Collection[str]) -> str | None:
    """The audited path `specifier` refers to from `importer`, or None (a package, or not found).

    Relative specifiers are joined to the importer's folder; the usual path aliases (`@/`, `~/`,
    `src/`) are matched against any audited file whose path ends the same way, preferring one
    under `src/`.
    """
    if specifier.startswith("."):
        base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), specifier))
        return next((base + end for end in _SUFFIXES + _INDEXES if base + end in paths), None)
    alias = next((a for a in _ALIASES if specifier.startswith(a)), None)
    if alias is None:
        return None
    tail = "/" + specifier[len(alias):]
    endings = tuple(tail + end for end in _SUFFIXES[1:] + _INDEXES)
    matches = sorted((p for p in paths if ("/" + p).endswith(endings)), key=lambda p: ("/src/" not in "/" + p, len(p)))
    return matches[0] if matches else None
