"""How a loop run looks: colour and a live status line (what the agents are doing now, the files
the audit has analysed) on a terminal; plain lines only when piped, in CI (CI=true) or with --quiet.
Text from the audited code or a model goes through `one_line`, as in `cynic show`: folded onto its
line, invisible characters shown, so it cannot forge or hide a line of the log."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from cynic.reports.plain import one_line
from cynic.reports.progress import StatusLine, interactive

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}
STATUS_WORDS = {
    "clean": "clean: the checklist is empty",
    "max_rounds": "stopped at the round limit",
    "stalled": "stalled: a round changed nothing or fixed nothing",
    "oscillating": "oscillating: the checklist came back to one seen before",
    "budget": "stopped at the token/cost budget",
    "error": "stopped by an error",
    "running": "interrupted: resume it with `cynic resume`",
}


class LoopPrinter:
    """A reporter for the loop (see `workflows/context.py`) and the final summary."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.console = Console(highlight=False, soft_wrap=True, no_color=quiet or None)
        self.fancy = interactive(self.console, quiet)
        self.status = StatusLine(self.console, self.fancy)

    def __call__(self, event: str, payload: dict[str, Any]) -> None:
        state, record = payload["state"], payload.get("record")
        if event == "prepared":
            self.line(f"run {state['run_id']} ({state['mode']}) on branch {payload['branch']}", style="bold")
            for note in state.get("notes", []):
                self.line(f"note: {note}", style="yellow")
            self.status.show("round 0: the security agent is auditing the starting commit")
        elif event == "coded" and record is not None:
            commit = f"commit {record['commit'][:12]} ({len(record['files_changed'])} files)" if record["commit"] else "no change"
            self.line(f"round {record['round']}: coder: {one_line(record['coder_summary'])}; {commit}")
            self.follow_ups(record)
            step = "running the tests" if state.get("test_cmd") else "the security agent is auditing"
            self.status.show(f"round {record['round']}: {step}")
        elif event == "verified" and record is not None:
            test = record.get("test")
            if test is not None:
                word = "passed" if test["passed"] else ("timed out" if test["timed_out"] else f"failed (exit {test['exit_code']})")
                self.line(f"round {record['round']}: tests {word} in {test['seconds']:.1f}s", style="green" if test["passed"] else "red")
            self.status.show(f"round {record['round']}: the security agent is auditing")
        elif event == "auditing":
            self.status.show(f"round {state['round']}: the security agent is auditing: "
                             f"{payload['analysed']}/{payload['total']} files analysed")
        elif event == "audited" and record is not None:
            self.agents(record)
            self.round_summary(record)
            open_count = len(record["checklist"])
            if open_count:
                self.status.show(f"round {record['round'] + 1}: the coder is working on "
                                 f"{open_count} finding{'s' * (open_count != 1)}")
        elif event == "finished":
            self.idle()

    def idle(self) -> None:
        """Clear the live status line (before a final summary or an error)."""
        self.status.clear()

    def follow_ups(self, record: dict[str, Any]) -> None:
        """What a person must still do about the round's fixes (rotate a secret git history keeps)."""
        for note in record.get("follow_ups", {}).values():
            self.line(f"  still to do by hand: {one_line(note)}", style="yellow")

    def round_summary(self, record: dict[str, Any]) -> None:
        open_count = len(record["checklist"])
        if record["round"] == 0:
            self.line(f"round 0: the audit of the starting commit: {open_count} open finding{'s' * (open_count != 1)}", style="bold")
        else:
            self.line(
                f"round {record['round']}: fixed {len(record['fixed'])}, new {len(record['new'])}, remaining {open_count}",
                style="bold",
            )
        for path in record.get("unparsed", []):
            self.line(f"  not parsed: {one_line(path)}", style="yellow")
        if not self.quiet:
            self.checklist(record["checklist"])

    def agents(self, record: dict[str, Any]) -> None:
        """What the agents spent in a round, the tool calls refused, and what the reviewer read:
        the lines `cynic show` prints for the round."""
        from cynic.reports.plain import review_lines
        from cynic.reports.run_adapter import agent_activity_view

        for line in review_lines(agent_activity_view(record)):
            self.line(line)

    def checklist(self, findings: list[dict[str, Any]]) -> None:
        for finding in findings:
            text = Text("  - ")
            text.append(f"{finding['severity'].upper():<8}", style=SEVERITY_STYLE.get(finding["severity"], ""))
            text.append(f" {finding['rule']} {one_line(finding['path'])}:{finding['line']}  {one_line(finding['message'])}")
            self.console.print(text)

    def final(self, state: dict[str, Any], exit_code: int) -> None:
        self.idle()
        status = state.get("status", "running")
        remaining = state.get("checklist", [])
        style = "bold green" if status == "clean" else "bold red"
        self.line(f"{STATUS_WORDS[status]} (status {status}, exit code {exit_code}) after {state.get('round', 0)} round(s); "
                  f"{len(remaining)} finding{'s' * (len(remaining) != 1)} left", style=style)
        if state.get("error"):
            self.line(f"error: {one_line(state['error'])}", style="red")
        if remaining:
            self.checklist(remaining)
        branch = state.get("branch")
        if branch and not any(record.get("commit") for record in state.get("history", [])[1:]):
            self.line(f"branch {branch} has no new commit: there was nothing to take.")
        elif branch:
            self.line(f"the result is on branch {branch}; your working tree was not touched. Look at it and take it with:")
            self.line(f"  git diff HEAD...{branch}")
            self.line(f"  git merge {branch}")

    def line(self, message: str, style: str = "") -> None:
        self.console.print(Text(message, style=style if self.fancy else ""))

