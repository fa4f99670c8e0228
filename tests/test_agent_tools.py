"""The coder's tools: confinement to the workspace, exact edits, bounded output, redaction."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cynic.agents.tools import MAX_MATCHES, TOOL_SPECS, Toolbox
from cynic.sandbox.paths import PathEscape, resolve_inside
from tests.llm_support import make_repo


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def call(box: Toolbox, name: str, **arguments: object) -> str:
    return box.call(name, json.dumps(arguments))


def test_the_tool_names_and_arguments_are_the_published_contract() -> None:
    signatures = {
        spec["function"]["name"]: sorted(spec["function"]["parameters"]["properties"]) for spec in TOOL_SPECS
    }
    assert signatures == {
        "list_files": ["path"],
        "read_file": ["end_line", "path", "start_line"],
        "write_file": ["content", "path"],
        "replace_in_file": ["new", "old", "path"],
        "search_code": ["pattern"],
        "run_tests": [],
    }


@pytest.mark.parametrize("path", ["../outside.txt", "app/../../outside.txt", "/etc/passwd", "C:\\Windows\\win.ini", "~/x"])
def test_paths_outside_the_workspace_are_refused_and_counted(workspace: Path, path: str) -> None:
    box = Toolbox(workspace)
    assert call(box, "write_file", path=path, content="x").startswith("error: refused")
    assert call(box, "read_file", path=path).startswith("error: refused")
    assert len(box.refused) == 2
    assert not (workspace.parent / "outside.txt").exists()
    assert box.changed == []


def test_a_symlink_leading_out_is_refused(workspace: Path, tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere" / "id_rsa"
    secret.parent.mkdir()
    secret.write_text("PRIVATE")
    os.symlink(secret.parent, workspace / "link")
    box = Toolbox(workspace)
    assert call(box, "read_file", path="link/id_rsa").startswith("error: refused")
    assert call(box, "write_file", path="link/new.txt", content="x").startswith("error: refused")
    assert box.refused and not (secret.parent / "new.txt").exists()


def test_writing_through_a_symlink_inside_the_workspace_is_refused(workspace: Path) -> None:
    os.symlink(workspace / "app" / "main.py", workspace / "alias.py")
    box = Toolbox(workspace)
    assert "FastAPI" in call(box, "read_file", path="alias.py")
    assert call(box, "write_file", path="alias.py", content="x").startswith("error: refused")
    assert "FastAPI" in (workspace / "app" / "main.py").read_text()


def test_git_metadata_is_not_writable(workspace: Path) -> None:
    box = Toolbox(workspace)
    assert call(box, "write_file", path=".git/hooks/pre-commit", content="rm -rf /").startswith("error: refused")


def test_resolve_inside_returns_the_real_location(workspace: Path) -> None:
    assert resolve_inside(workspace, "app/main.py") == (workspace / "app" / "main.py").resolve()
    with pytest.raises(PathEscape):
        resolve_inside(workspace, "")


def test_write_then_replace_records_changed_paths(workspace: Path) -> None:
    box = Toolbox(workspace)
    assert call(box, "write_file", path="app/api/items.py", content="ITEMS = []\n") == "wrote app/api/items.py (1 lines)"
    assert call(box, "replace_in_file", path="app/main.py", old='"ok"', new='"healthy"') == "replaced 1 occurrence in app/main.py"
    assert (workspace / "app/api/items.py").read_text() == "ITEMS = []\n"
    assert '"healthy"' in (workspace / "app/main.py").read_text()
    assert box.changed == ["app/api/items.py", "app/main.py"]


def test_replace_needs_exactly_one_match(workspace: Path) -> None:
    box = Toolbox(workspace)
    assert "does not occur" in call(box, "replace_in_file", path="app/main.py", old="nowhere", new="x")
    assert "occurs 2 times" in call(box, "replace_in_file", path="app/main.py", old="app", new="x")
    assert box.changed == [] and box.refused == []


def test_read_file_ranges_and_dotenv_values_redacted(workspace: Path) -> None:
    box = Toolbox(workspace)
    assert call(box, "read_file", path="app/main.py", start_line=3, end_line=3) == "app/main.py (lines 3-3 of 8):\napp = FastAPI()"
    dotenv = call(box, "read_file", path=".env")
    assert "SECRET_KEY=<redacted>" in dotenv
    assert "s3cr3t" not in dotenv and "hunter2" not in dotenv


def test_a_redacted_value_can_still_be_replaced(workspace: Path) -> None:
    (workspace / "app/core/config.py").write_text('SECRET_KEY: str = "changethis-super-secret"\n')
    box = Toolbox(workspace)
    shown = call(box, "read_file", path="app/core/config.py")
    assert "changethis" not in shown
    old = shown.splitlines()[1]
    result = call(box, "replace_in_file", path="app/core/config.py", old=old, new="SECRET_KEY: str")
    assert result == "replaced 1 occurrence in app/core/config.py"
    assert (workspace / "app/core/config.py").read_text() == "SECRET_KEY: str\n"
    assert "contains <redacted>" in call(box, "write_file", path="x.py", content='KEY = "<redacted>"')


def test_search_code_is_bounded_and_redacted(workspace: Path) -> None:
    (workspace / "many.py").write_text("hit = 1\n" * 500)
    box = Toolbox(workspace)
    found = call(box, "search_code", pattern=r"^hit")
    assert len(found.splitlines()) == MAX_MATCHES + 1 and "narrow the pattern" in found
    assert "s3cr3t" not in call(box, "search_code", pattern="SECRET")
    assert call(box, "search_code", pattern="(").startswith("error: invalid regular expression")


def test_list_files_shows_sizes_and_skips_git(workspace: Path) -> None:
    listing = call(Toolbox(workspace), "list_files")
    assert "app/main.py" in listing and ".git/" not in listing


def test_run_tests_without_a_command_says_so(workspace: Path) -> None:
    assert "no test command is configured" in call(Toolbox(workspace), "run_tests")
    assert call(Toolbox(workspace, lambda: "1 passed"), "run_tests") == "1 passed"


def test_unknown_tools_and_bad_arguments_are_errors_for_the_model(workspace: Path) -> None:
    box = Toolbox(workspace)
    assert box.call("rm_rf", "{}").startswith("error: there is no tool named 'rm_rf'")
    assert box.call("read_file", "{not json").startswith("error:")
    assert box.call("read_file", '{"file": "x"}').startswith("error:")
