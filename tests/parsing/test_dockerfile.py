"""The Dockerfile reader: lines, continuations, heredocs, directives and stages."""

from __future__ import annotations

from pathlib import Path

from cynic.audit import audit
from cynic.parsing.dockerfile import expand, parse_dockerfile


def test_instructions_keep_their_first_line_and_join_continuations() -> None:
    dockerfile = parse_dockerfile(
        "# a comment\n"
        "FROM --platform=$BUILDPLATFORM python:3.12 AS build\n"
        "RUN apt-get update \\\n"
        "  # a comment inside a continuation\n"
        "  && apt-get install -y curl\n"
        "USER app\n"
    )

    assert [(i.keyword, i.line, i.end_line) for i in dockerfile.instructions] == [("FROM", 2, 2), ("RUN", 3, 5), ("USER", 6, 6)]
    assert dockerfile.instructions[1].value == "apt-get update && apt-get install -y curl"
    [stage] = dockerfile.stages
    assert (stage.base, stage.name) == ("python:3.12", "build")


def test_heredoc_bodies_are_not_instructions() -> None:
    dockerfile = parse_dockerfile("FROM alpine\nRUN <<EOF\nUSER root\nEOF\nCMD [\"sh\"]\n")

    assert [i.keyword for i in dockerfile.instructions] == ["FROM", "RUN", "CMD"]
    assert dockerfile.instructions[1].heredocs == ("USER root",)
    assert dockerfile.instructions[2].exec_form() == ["sh"]


def test_escape_directive_changes_the_continuation_character() -> None:
    dockerfile = parse_dockerfile("# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  C:\\\n")

    assert [(i.keyword, i.value) for i in dockerfile.instructions][1] == ("RUN", "dir C:\\")


def test_variables_expand_with_defaults() -> None:
    assert expand("${APP_USER:-app}:$GROUP", {"GROUP": "staff"}) == "app:staff"


def test_an_unterminated_heredoc_is_reported_as_an_incomplete_audit(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine\nRUN <<EOF\necho hi\n", encoding="utf-8")

    result = audit(tmp_path)

    assert result.incomplete
    assert "never closed" in result.skipped[0].reason
