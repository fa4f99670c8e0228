"""`cynic audit` as a user meets it: report shapes, suppressions, exit codes and bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cynic.cli import app

RAW_SQL = 'def find(session, email):\n    return session.execute(text(f"SELECT * FROM users WHERE email = \'{email}\'"))\n'
COOKIE_WITHOUT_SAMESITE = (
    "def login(response, token):\n"
    '    response.set_cookie("access_token", token, httponly=True, secure=True)\n'
)
CONTRACT_FIELDS = {
    "rule", "name", "severity", "confidence", "cwe", "path", "line", "end_line", "message", "evidence",
    "fix", "fingerprint", "source", "whole_file",
}


def run(*args: str | Path):
    return CliRunner().invoke(app, ["audit", *map(str, args)])


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def findings_of(root: Path) -> list[dict]:
    result = run(root, "--format", "json")
    return json.loads(result.stdout)["findings"]


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_json_findings_carry_every_contract_field(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/crud.py": RAW_SQL})

    (finding,) = findings_of(root)

    assert CONTRACT_FIELDS <= finding.keys()
    assert finding["path"] == "app/crud.py"
    assert finding["source"] == "rule"
    assert (finding["rule"], finding["line"], finding["severity"]) == ("SQL001", 2, "critical")
    assert finding["cwe"] == ["CWE-89"]
    assert "session.execute" in finding["evidence"]


def test_fingerprint_survives_an_unrelated_line_above(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/crud.py": RAW_SQL})
    (before,) = findings_of(root)

    (root / "app/crud.py").write_text("import logging\n\n" + RAW_SQL, encoding="utf-8")
    (after,) = findings_of(root)

    assert after["line"] == before["line"] + 2
    assert after["fingerprint"] == before["fingerprint"]


def test_markdown_lists_findings_worst_first_with_counts(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/auth.py": COOKIE_WITHOUT_SAMESITE, "app/crud.py": RAW_SQL})

    text = run(root).stdout

    assert text.startswith("# cynic security checklist")
    assert "**2 open findings**: 1 critical, 1 medium" in text
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(items) == 2
    assert "CRITICAL" in items[0] and "SQL001" in items[0]
    assert "MEDIUM" in items[1] and "AUTH003" in items[1]


def test_markdown_says_plainly_when_the_checklist_is_empty(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/main.py": "print('hello')\n"})

    result = run(root)

    assert "**No open findings: the checklist is empty.**" in result.stdout
    assert "- [ ]" not in result.stdout
    assert result.exit_code == 0


def test_suppression_with_a_reason_is_honoured(tmp_path: Path) -> None:
    code = RAW_SQL.replace("    return", "    # cynic: ignore[SQL001] email is validated by the EmailStr schema\n    return")
    root = project(tmp_path, {"app/crud.py": code})

    payload = json.loads(run(root, "--format", "json").stdout)

    assert payload["findings"] == []
    assert payload["suppressed"] == 1


def test_suppression_without_a_reason_is_not_honoured_and_noticed(tmp_path: Path) -> None:
    code = RAW_SQL.replace("    return", "    # cynic: ignore[SQL001]\n    return")
    root = project(tmp_path, {"app/crud.py": code})

    result = run(root, "--format", "json")
    payload = json.loads(result.stdout)

    assert [f["rule"] for f in payload["findings"]] == ["SQL001"]
    assert payload["suppressed"] == 0
    (notice,) = payload["notices"]
    assert notice["line"] == 2 and "without a reason" in notice["message"]
    assert result.exit_code == 1


@pytest.mark.parametrize(
    ("files", "flags", "code"),
    [
        ({"app/main.py": "print('clean')\n"}, [], 0),
        ({"app/crud.py": RAW_SQL}, [], 1),
        ({"app/auth.py": COOKIE_WITHOUT_SAMESITE}, ["--fail-on", "high"], 0),
        ({"app/auth.py": COOKIE_WITHOUT_SAMESITE}, ["--fail-on", "medium"], 1),
    ],
    ids=["clean", "findings", "medium-below-high-threshold", "medium-at-threshold"],
)
def test_exit_codes(tmp_path: Path, files: dict[str, str], flags: list[str], code: int) -> None:
    root = project(tmp_path, files)

    assert run(root, *flags).exit_code == code


def test_path_that_does_not_exist_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path / "nowhere")

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert_no_traceback(result)


def test_file_instead_of_folder_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path, {"main.py": "x = 1\n"})

    result = run(root / "main.py")

    assert result.exit_code == 2
    assert "not a folder" in result.stderr
    assert_no_traceback(result)


def test_syntax_error_makes_the_audit_incomplete(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/broken.py": "x = 1\ndef broken(:\n    pass\n", "app/crud.py": RAW_SQL})

    result = run(root, "--format", "json")
    payload = json.loads(result.stdout)

    assert result.exit_code == 2
    (skipped,) = payload["skipped"]
    assert skipped["path"] == "app/broken.py" and skipped["incomplete"] is True
    assert "line 2" in skipped["reason"]
    assert [f["rule"] for f in payload["findings"]] == ["SQL001"]  # the other files are still audited
    assert "incomplete" in result.stderr
    assert_no_traceback(result)


def test_newer_python_syntax_is_audited_not_skipped(tmp_path: Path) -> None:
    code = RAW_SQL + "\ndef parse(raw):\n    try:\n        return int(raw)\n    except ValueError, TypeError:\n        return 0\n"
    root = project(tmp_path, {"app/crud.py": code})

    result = run(root, "--format", "json")

    assert json.loads(result.stdout)["skipped"] == []
    assert result.exit_code == 1


def test_non_utf8_file_is_read_with_a_notice(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/legacy.py": "# caf\xe9\n".encode("latin-1") + RAW_SQL.encode()})

    result = run(root, "--format", "json")
    payload = json.loads(result.stdout)

    assert [f["line"] for f in payload["findings"]] == [3]
    assert "not valid UTF-8" in payload["notices"][0]["message"]
    assert_no_traceback(result)


def test_binary_and_huge_files_are_skipped_with_a_reason(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        {"app/blob.py": b"\x00\x01\x02binary", "app/huge.py": "x = 1\n" * 400_000, "app/main.py": "print('ok')\n"},
    )

    result = run(root, "--format", "json")
    reasons = {s["path"]: s for s in json.loads(result.stdout)["skipped"]}

    assert reasons["app/blob.py"]["reason"] == "binary file"
    assert "larger than 2 MB" in reasons["app/huge.py"]["reason"]
    assert not any(s["incomplete"] for s in reasons.values())
    assert result.exit_code == 0
    assert_no_traceback(result)


def test_empty_folder_is_a_clean_audit_of_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()

    result = run(empty)

    assert result.exit_code == 0
    assert "Audited 0 files" in result.stdout
    assert_no_traceback(result)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_symlink_loop_is_not_followed(tmp_path: Path) -> None:
    root = project(tmp_path, {"app/crud.py": RAW_SQL})
    (root / "app" / "loop").symlink_to(root / "app", target_is_directory=True)
    (root / "self.py").symlink_to(root / "self.py")

    result = run(root, "--format", "json")
    payload = json.loads(result.stdout)

    assert [f["path"] for f in payload["findings"]] == ["app/crud.py"]
    assert {s["path"] for s in payload["skipped"]} == {"app/loop", "self.py"}
    assert result.exit_code == 1
    assert_no_traceback(result)
