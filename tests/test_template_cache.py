"""Compiled checklist templates are kept between runs, and a cache that cannot be written never
stops a report."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cynic.models import AuditResult, Confidence, Finding, Severity
from cynic.reports import markdown

RESULT = AuditResult(version="0", root="/app", findings=[Finding(
    rule="SQL001", name="raw-sql-string", severity=Severity.CRITICAL, confidence=Confidence.HIGH,
    path="app/crud.py", line=3, end_line=3, message="SQL text is built from values.",
    evidence='db.execute(text("SELECT " + q))', fix="Bind parameters.")])


def _render_fresh() -> str:
    """The checklist as a new process renders it: no environment compiled yet."""
    markdown.environment.cache_clear()
    return markdown.render_markdown(RESULT)


def test_the_second_run_reads_compiled_templates(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = _render_fresh()
    compiled = sorted((tmp_path / "cynic" / "templates" / "markdown").iterdir())
    assert compiled, "no compiled template was kept"
    stamps = [path.stat().st_mtime_ns for path in compiled]
    assert _render_fresh() == first
    assert [path.stat().st_mtime_ns for path in compiled] == stamps, "the templates were compiled again"


def test_a_cache_home_that_is_a_file_still_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = _render_fresh()
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert _render_fresh() == expected


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_a_read_only_cache_folder_still_renders(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "cynic" / "templates" / "markdown"
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        assert "SQL001" in _render_fresh()
        assert not list(folder.iterdir())
    finally:
        folder.chmod(0o700)
