"""Import specifiers resolve to the audited files they name."""

from __future__ import annotations

from cynic.project.js_modules import resolve_module

PATHS = {"frontend/src/auth/storage.ts", "frontend/src/lib/api/index.ts", "frontend/src/routes/login.tsx", "e2e/lib/api.ts"}


def test_relative_specifiers_try_suffixes_and_index_files() -> None:
    assert resolve_module("frontend/src/routes/login.tsx", "../auth/storage", PATHS) == "frontend/src/auth/storage.ts"
    assert resolve_module("frontend/src/routes/login.tsx", "../lib/api", PATHS) == "frontend/src/lib/api/index.ts"


def test_path_aliases_prefer_files_under_src() -> None:
    assert resolve_module("frontend/src/routes/login.tsx", "@/lib/api", PATHS) == "frontend/src/lib/api/index.ts"


def test_packages_are_not_project_files() -> None:
    assert resolve_module("frontend/src/routes/login.tsx", "axios", PATHS) is None
