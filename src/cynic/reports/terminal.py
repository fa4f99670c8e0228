"""The run report for a terminal: the same story as the HTML page, as rich tables. Every string
from the audited code goes in as `Text` (never markup) with invisible characters revealed."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cynic.reports.plain import review_lines, waiver_note
from cynic.reports.run_view import FindingView, RunView
from cynic.reports.visible_text import reveal

SEVERITY_STYLE = {"critical": "bold white on red", "high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
STATUS_STYLE = {"open": "red", "fixed": "green", "waived": "magenta"}


def render_run_terminal(view: RunView, console: Console) -> None:
    """Print the summary, the rounds, the findings and the LLM usage of `view`."""
    console.print(_line(view.title, style="bold"), _line(f"  status: {view.status}", style="bold"))
    if view.request:
        console.print(_line("request: ") + _text(view.request))
    if view.error:
        console.print(_line("error: ", style="red") + _text(view.error))
    counts = ", ".join(f"{n} {severity.value}" for severity, n in view.open_by_severity().items() if n) or "none"
    console.print(_line(f"open findings: {counts}; fixed {len(view.with_status('fixed'))}; "
                        f"waived {len(view.with_status('waived'))}; rounds {view.coder_rounds}"))
    if view.rounds:
        console.print(_rounds_table(view))
        for round_ in view.rounds:
            for line in review_lines(round_):
                console.print(_text(line))
    if view.findings:
        console.print(_findings_table(view.findings))
    if view.llm_used:
        console.print(_usage_table(view))
    for skip in view.coverage.skipped:
        console.print(_line("not fully audited: ", style="yellow") + _text(f"{skip.path}: {skip.reason}"))


def _rounds_table(view: RunView) -> Table:
    table = Table(title="Rounds", title_justify="left", show_edge=False)
    for column in ("round", "commit", "opened", "fixed", "reopened", "left open", "tests", "coder"):
        table.add_column(column, justify="right" if column in ("opened", "fixed", "reopened", "left open") else "left")
    for round_ in view.rounds:
        test = round_.test
        table.add_row(
            "audit" if round_.number == 0 else str(round_.number),
            (round_.commit or "none")[:12],
            _count(len(round_.opened), "red"),
            _count(len(round_.fixed), "green"),
            _count(len(round_.reopened), "yellow"),
            str(round_.open_after),
            Text(test.word if test else "-", style=("green" if test.passed else "red") if test else ""),
            _text(round_.coder_summary),
        )
    return table


def _findings_table(findings: list[FindingView]) -> Table:
    table = Table(title="Findings", title_justify="left", show_edge=False)
    for column in ("severity", "rule", "where", "status", "message"):
        table.add_column(column)
    for item in findings:
        finding = item.finding
        status = item.status + (f" (round {item.fixed_round})" if item.fixed_round is not None else "")
        if item.change is not None:
            status = f"{item.change}, {status}"
        if item.waiver is not None:
            status += waiver_note(item)
        table.add_row(
            Text(finding.severity.value, style=SEVERITY_STYLE[finding.severity.value]),
            _text(finding.rule + (" (LLM)" if finding.source == "llm" else "")),
            _text(f"{finding.path}:{finding.line}"),
            Text(reveal(status), style=STATUS_STYLE[item.status]),
            _text(finding.message),
        )
    return table




def _usage_table(view: RunView) -> Table:
    table = Table(title="LLM usage", title_justify="left", show_edge=False)
    for column in ("agent", "prompt tokens", "completion tokens", "cost"):
        table.add_column(column, justify="left" if column == "agent" else "right")
    for agent, usage in view.usage.items():
        table.add_row(_text(agent), f"{usage.prompt_tokens:,}", f"{usage.completion_tokens:,}", f"{usage.cost:.4f}")
    return table


def _count(value: int, style: str) -> Text:
    return Text(str(value), style=style if value else "dim")


def _text(value: str) -> Text:
    """Audited text as plain text: no rich markup, no control codes, bidi shown."""
    return Text(reveal(value))


def _line(value: str, style: str = "") -> Text:
    return Text(value, style=style)
