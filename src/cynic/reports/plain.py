"""The run report as plain lines, for pipes, CI logs and `--quiet`: no colour, no tables, one
fact per line, and every value from the audited code folded onto its line with invisible
characters shown, so a log line cannot be forged or hidden."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.reports.run_view import FindingView, RoundView, RunView
from cynic.reports.visible_text import reveal


def plain_run_lines(view: RunView) -> Iterator[str]:
    """The summary, each round, then every finding with its status and waiver."""
    started = f" from {view.base_commit[:12]}" if view.base_commit else ""
    when = f", started {view.started_at}" if view.started_at else ""
    yield f"{one_line(view.title)} ({view.mode or 'run'}){started}{when}: status {view.status}"
    if view.request:
        yield f"request: {one_line(view.request)}"
    if view.error:
        yield f"error: {one_line(view.error)}"
    for round_ in view.rounds:
        yield from _round_lines(round_)
    counts = ", ".join(f"{n} {severity.value}" for severity, n in view.open_by_severity().items() if n) or "none"
    yield (f"open findings: {counts}; fixed {len(view.with_status('fixed'))}; "
           f"waived {len(view.with_status('waived'))}; rounds {view.coder_rounds}")
    for item in view.findings:
        yield _finding_line(item)
    for agent, usage in view.usage.items():
        yield f"total: {agent} {usage.describe()}"
    for skip in view.coverage.skipped:
        yield f"not fully audited: {one_line(skip.path)}: {one_line(skip.reason)}"


def _round_lines(round_: RoundView) -> Iterator[str]:
    number = round_.number
    if number == 0:
        yield f"round 0: the audit of the starting commit: {round_.open_after} open finding{'s' * (round_.open_after != 1)}"
        return
    files = ", ".join(one_line(path) for path in round_.files_changed) or "none"
    yield f"round {number}: commit {(round_.commit or 'none')[:12]}; files: {files}"
    yield f"round {number}: coder: {one_line(round_.coder_summary)}"
    yield from (f"  still to do by hand: {one_line(note)}" for note in round_.follow_ups)
    if round_.test is not None:
        yield f"round {number}: tests {round_.test.word} ({one_line(round_.test.command)})"
    yield from review_lines(round_)
    new = len(round_.opened) + len(round_.reopened)
    yield f"round {number}: fixed {len(round_.fixed)}, new {new}, remaining {round_.open_after}"
    for path in round_.unparsed:
        yield f"round {number}: not parsed: {one_line(path)}"


def _finding_line(item: FindingView) -> str:
    finding = item.finding
    status = item.status + (f" in round {item.fixed_round}" if item.fixed_round is not None else "")
    if item.change is not None:
        status = f"{item.change}, {status}"
    source = " (LLM)" if finding.source == "llm" else ""
    return (f"- {finding.severity.value.upper()} {finding.rule}{source} {one_line(finding.path)}:{finding.line} "
            f"[{one_line(status + waiver_note(item))}] {one_line(finding.message)}")


def one_line(text: str) -> str:
    """`text` on one line (newlines folded) with invisible characters made visible."""
    return reveal(" ".join(text.split()))


def review_lines(round_: RoundView) -> Iterator[str]:
    """What the agents spent in a round, the tool calls refused, and what the LLM reviewer read."""
    number = round_.number
    if round_.usage:
        yield f"round {number}: usage: " + "; ".join(f"{agent} {usage.describe()}" for agent, usage in round_.usage.items())
    if round_.refused:
        yield f"round {number}: {len(round_.refused)} tool call(s) refused (outside the workspace)"
        yield from (f"  - {one_line(refusal)}" for refusal in round_.refused)
    if round_.review is not None:
        yield f"round {number}: the LLM reviewer read {', '.join(map(one_line, round_.review.files_read)) or 'no file'}"
        if round_.review.files_not_read:
            yield (f"round {number}: the LLM reviewer did NOT read (over its budget): "
                   + ", ".join(map(one_line, round_.review.files_not_read)))
        if round_.review.dropped:
            yield f"round {number}: {round_.review.dropped} reviewer finding(s) dropped: their evidence was not in the code"

def waiver_note(item: FindingView) -> str:
    """How a waiver reads after the finding's status: who, until when, why; or when it expired."""
    waiver = item.waiver
    if waiver is None:
        return ""
    if item.waiver_expired:
        return f" (waiver expired on {waiver.expires.isoformat()}, owner {waiver.owner}: {waiver.reason})"
    return f" by {waiver.owner} until {waiver.expires.isoformat()}: {waiver.reason}"
