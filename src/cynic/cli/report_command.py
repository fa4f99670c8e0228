"""`cynic report RUN [PATH]`: a run's story as one self-contained HTML page.

Exit codes: 0 the report was written, 2 no such run or an unreadable waivers file.
"""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

from datetime import date
from pathlib import Path

import typer

from cynic.cli._common import emit, fail


def report(
    run_id: str = typer.Argument(..., help="The run id, as listed by `cynic runs`."),
    path: Path = typer.Argument(Path("."), help="The repository the run worked on, or its state folder."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the HTML report to this file (default: stdout)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress output on stderr."),
) -> None:
    """Write an HTML report of a run: summary, round-by-round timeline with diffs, every finding
    with its code, rule documentation and waiver (from the repository's .cynic/waivers.json,
    written by `cynic waive`). It opens offline and loads nothing.

    Exit codes: 0 written, 2 no such run or unreadable waivers.
    """
    from cynic.policy import PolicyError
    from cynic.reports.html import render_html
    from cynic.reports.progress import progress
    from cynic.reports.run_adapter import RunNotFound, load_waived_run_view

    with progress(f"building the report of run {run_id}", quiet=quiet):
        try:
            view = load_waived_run_view(_state_root(path), run_id, date.today())
        except (RunNotFound, PolicyError) as error:
            fail(str(error))
        html = render_html(view)
    emit(html, output)


def _state_root(path: Path) -> Path:
    """The configured state folder (CYNIC_STATE_DIR, .cynic.toml), else the repository."""
    from cynic.config import ConfigError, load_settings

    try:
        settings = load_settings(path)
    except ConfigError as error:
        fail(str(error))
    if settings.state_dir is None:
        return path
    return settings.state_dir if settings.state_dir.is_absolute() else path / settings.state_dir
