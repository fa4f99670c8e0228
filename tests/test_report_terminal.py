"""`render_run_terminal`: the run's story on a terminal, and audited text that stays text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from cynic.reports.progress import interactive, progress
from cynic.reports.run_adapter import load_run_view
from cynic.reports.terminal import render_run_terminal
from tests.run_history import RUN_ID, make_run, save_state


def _render(repo: Path) -> str:
    buffer = io.StringIO()
    render_run_terminal(load_run_view(repo, RUN_ID), Console(file=buffer, width=200, force_terminal=True, color_system="standard"))
    return buffer.getvalue()


def test_the_terminal_report_shows_rounds_findings_and_usage(tmp_path: Path) -> None:
    text = _render(make_run(tmp_path))
    assert "Rounds" in text and "Findings" in text and "LLM usage" in text
    assert "fixed (round 1)" in text and "2,000" in text and "security agent (LLM reviewer)" in text and "⟨U+202E⟩evil" in text


def test_markup_and_control_codes_from_audited_code_are_printed_as_text(tmp_path: Path) -> None:
    from langgraph.checkpoint.sqlite import SqliteSaver

    repo = make_run(tmp_path)
    state_dir = repo / ".git" / "cynic"
    with SqliteSaver.from_conn_string(str(state_dir / "runs.sqlite")) as saver:
        state = dict(saver.get_tuple({"configurable": {"thread_id": RUN_ID}}).checkpoint["channel_values"])
    state["request"] = "[link=https://evil.example]click[/link] [bold red]x[/bold red] \x1b]0;owned\x07\x1b[2J"
    save_state(state_dir, state)
    text = _render(repo)
    assert "[link=https://evil.example]click[/link]" in text and "[bold red]x[/bold red]" in text
    assert "\x1b]" not in text and "\x1b[2J" not in text and "⟨U+001B⟩" in text


def test_progress_is_plain_lines_when_not_on_a_terminal() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer)
    with progress("auditing", console=console) as tracker:
        tracker.advance(1, total=2)
        tracker.advance(1, total=2)
    with progress("unheard", console=console, quiet=True) as tracker:
        tracker.advance(2, total=2)
    lines = buffer.getvalue().splitlines()
    assert lines == [lines[0], lines[1]] and lines[0] == "auditing..." and lines[1].startswith("auditing: done (2/2 in ")


def test_progress_is_live_only_on_an_interactive_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Console(file=io.StringIO(), force_terminal=True)
    monkeypatch.delenv("CI", raising=False)
    assert interactive(terminal) and not interactive(terminal, quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not interactive(terminal)


def test_cynic_show_prints_tables_on_a_terminal_and_plain_lines_elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from cynic.cli import app

    repo = make_run(tmp_path)
    monkeypatch.delenv("CI", raising=False)
    piped = CliRunner().invoke(app, ["show", RUN_ID, str(repo)])
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich treats stdout as a colour terminal
    terminal = CliRunner().invoke(app, ["show", RUN_ID, str(repo)])
    quiet = CliRunner().invoke(app, ["show", RUN_ID, str(repo), "--quiet"])
    monkeypatch.setenv("CI", "true")
    in_ci = CliRunner().invoke(app, ["show", RUN_ID, str(repo)])

    assert terminal.exit_code == 0 and "Rounds" in terminal.stdout and "\x1b[" in terminal.stdout
    for plain in (piped, quiet, in_ci):
        assert plain.exit_code == 0 and "\x1b" not in plain.stdout
        assert "round 1: fixed 2, new 1, remaining 2" in plain.stdout
        assert "- HIGH CORS001 app/main.py:5 [open]" in plain.stdout
