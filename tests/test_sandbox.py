"""The sandbox: paths stay inside the workspace; commands run confined."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from cynic.sandbox.paths import PathEscape, resolve_inside
from cynic.sandbox.runner import Limits, run_command


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text("x = 1\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("s3cret\n")
    return root


def test_a_path_inside_resolves(workspace: Path) -> None:
    assert resolve_inside(workspace, "app/main.py") == workspace.resolve() / "app" / "main.py"
    assert resolve_inside(workspace, "app/new.py", for_write=True) == workspace.resolve() / "app" / "new.py"


@pytest.mark.parametrize("path", ["../outside/secret.txt", "app/../../outside/secret.txt", "app\\..\\..\\x", "/etc/passwd", "C:\\Windows", ""])
def test_climbing_out_or_absolute_is_refused(workspace: Path, path: str) -> None:
    with pytest.raises(PathEscape):
        resolve_inside(workspace, path)


def test_a_symlink_leading_out_is_refused(workspace: Path) -> None:
    (workspace / "link").symlink_to(workspace.parent / "outside")
    (workspace / "app" / "cfg").symlink_to(workspace.parent / "outside" / "secret.txt")
    with pytest.raises(PathEscape, match="outside the workspace"):
        resolve_inside(workspace, "link/secret.txt")
    with pytest.raises(PathEscape, match="outside the workspace"):
        resolve_inside(workspace, "app/cfg")


def test_writing_through_a_symlink_is_refused_even_inside(workspace: Path) -> None:
    (workspace / "alias.py").symlink_to(workspace / "app" / "main.py")
    (workspace / "pkg").symlink_to(workspace / "app")
    assert resolve_inside(workspace, "alias.py") == workspace.resolve() / "alias.py"  # reading is fine
    with pytest.raises(PathEscape, match="symlink"):
        resolve_inside(workspace, "alias.py", for_write=True)
    with pytest.raises(PathEscape, match="symlink"):
        resolve_inside(workspace, "pkg/main.py", for_write=True)


def test_the_environment_has_no_credentials(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-live-123")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_abc")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIA123")
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:hunter2@db/app")
    monkeypatch.setenv("MY_SERVICE_PASSWORD", "pw")
    monkeypatch.setenv("APP_MODE", "test")

    result = run_command(f"{sys.executable} -c 'import os; print(sorted(os.environ))'; echo TMP=$TMPDIR", tmp_path)

    assert result.passed, result.output
    for leaked in ("OPENAI_API_KEY", "GITHUB_TOKEN", "AWS_ACCESS_KEY_ID", "DATABASE_URL", "MY_SERVICE_PASSWORD"):
        assert leaked not in result.output
    assert "'APP_MODE'" in result.output and "'PATH'" in result.output
    assert "TMP=" in result.output and "/cynic-tmp-" in result.output  # a fresh temporary folder


def test_a_hanging_command_is_killed_at_the_timeout(tmp_path: Path) -> None:
    result = run_command("echo started; sleep 30 & sleep 30; echo never", tmp_path, Limits(timeout=1.0))

    assert result.timed_out and not result.passed and result.exit_code is None
    assert result.seconds < 10
    assert "started" in result.output and "never" not in result.output
    assert "killed after running longer than its timeout" in result.tail()


def test_a_failing_command_reports_its_exit_code_and_output(tmp_path: Path) -> None:
    result = run_command("echo 'AssertionError: 1 != 2' >&2; exit 3", tmp_path)

    assert result.exit_code == 3 and not result.passed
    assert "AssertionError: 1 != 2" in result.tail()


def test_file_size_is_limited(tmp_path: Path) -> None:
    result = run_command("head -c 2000000 /dev/zero > big.bin", tmp_path, Limits(file_size=1_000_000))

    assert not result.passed
    assert (tmp_path / "big.bin").stat().st_size <= 1_000_000


def test_no_network_when_the_machine_allows_it(tmp_path: Path) -> None:
    result = run_command(f"{sys.executable} -c \"import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)\"", tmp_path)
    if result.network_isolated:
        assert not result.passed
        assert "Network is unreachable" in result.output or "OSError" in result.output
