"""`cynic report RUN [PATH]`: a run's story as one self-contained HTML page.

Exit codes: 0 the report was written, 2 no such run or an unreadable waiver file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from cynic.cli._common import emit, fail


def report(
    run_id: str = typer.Argument(..., help="The run id, as listed by `cynic runs`."),
    path: Path = typer.Argument(Path("."), help="The repository the run worked on, or its state folder."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the HTML report to this file (default: stdout)."),
    waivers: Path | None = typer.Option(
        None, "--waivers", help="A JSON file of waivers (default: .cynic/waivers.json in PATH when present)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No live progress; plain lines on stderr."),
) -> None:
    """Write an HTML report of a run: summary, round-by-round timeline with diffs, every finding
    with its code, rule documentation and waiver. It opens offline and loads nothing.

    Exit codes: 0 written, 2 no such run or unreadable waivers.
    """
    from cynic.reports.html import render_html
    from cynic.reports.progress import progress
    from cynic.reports.run_adapter import RunNotFound, load_run_view
    from cynic.reports.waiver_file import DEFAULT_WAIVERS, WaiverFileError, load_waivers

    waiver_path = waivers or (path / DEFAULT_WAIVERS if (path / DEFAULT_WAIVERS).is_file() else None)
    with progress(f"building the report of run {run_id}", quiet=quiet):
        try:
            view = load_run_view(_state_root(path), run_id)
            if waiver_path is not None:
                view = view.apply_waivers(load_waivers(waiver_path), date.today())
        except (RunNotFound, WaiverFileError) as error:
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
