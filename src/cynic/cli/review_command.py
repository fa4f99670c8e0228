"""`cynic review --base REF [--head REF] [PATH]`: report only the flaws a pull request adds."""

# No `from __future__ import annotations` here: typer reads these annotations on every run (see cynic.cli).

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cynic.cli._common import INCLUDE_TESTS, emit, exit_with_verdict, fail
from cynic.cli._output import Format, annotate_in_github_actions, write_report
from cynic.severity import Severity

if TYPE_CHECKING:
    from cynic.agents.base import Reviewer


def review(
    path: Path = typer.Argument(Path("."), help="The project folder inside a git clone."),
    base: str = typer.Option(..., "--base", help="What the pull request merges into: a branch, tag or commit (e.g. origin/main)."),
    head: str | None = typer.Option(None, "--head", help="The commit to review. Default: HEAD."),
    format: Format = typer.Option(Format.markdown, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    comment: Path | None = typer.Option(None, "--comment", help="Also write the markdown PR comment to this file."),
    fail_on: Severity = typer.Option(Severity.LOW, "--fail-on", help="Exit 1 on new findings at or above this severity."),
    report_all: bool = typer.Option(False, "--all", help="Report every open finding, not only the new ones."),
    include_tests: bool = INCLUDE_TESTS,
    no_baseline: bool = typer.Option(False, "--no-baseline", help="List findings in .cynic/baseline.json too."),
    llm: bool = typer.Option(False, "--llm", help="Add the LLM reviewer over the pull request's diff (needs an LLM configured)."),
) -> None:
    """Audit the head and the merge base with --base, and report what the change adds and fixes.

    Both trees are exported from git into temporary folders; the working tree is not touched.
    Exit codes: 0 nothing new at or above --fail-on, 1 new findings, 2 the review is incomplete
    (unparsable files, missing refs, a shallow clone, files the LLM reviewer did not read).
    """
    from git import GitCommandError

    from cynic.policy import PolicyError
    from cynic.review import ReviewError, review as run_review

    reviewer = _llm_reviewer(path) if llm else None
    try:
        result = run_review(
            path,
            base=base,
            head=head,
            include_tests=include_tests,
            use_baseline=not no_baseline,
            report_all=report_all,
            reviewer=reviewer,
        )
    except (ReviewError, PolicyError) as error:
        fail(str(error))
    except GitCommandError as error:
        fail(f"git {error.command[1] if len(error.command) > 1 else ''} failed: {str(error.stderr).strip()}. "
             "Check that the clone is intact (`git fsck`) and the refs exist.")
    write_report(format, result.head, output, review=result)
    if comment is not None:
        from cynic.reports.markdown import render_review_markdown

        emit(render_review_markdown(result), comment)
    annotate_in_github_actions(result.checklist, result.prefix)
    exit_with_verdict(
        failing=result.failing(fail_on),
        incomplete=("the review is incomplete: some files could not be parsed or were not read "
                    "(see the coverage section). Fix their syntax or exclude them in .gitignore.") if result.incomplete else None,
    )


def _llm_reviewer(path: Path) -> "Reviewer":
    """The LLM reviewer, or a clear error (exit 2) when it is not installed or no LLM is configured."""
    from cynic.config import ConfigError, load_settings

    try:
        settings = load_settings(path)
    except ConfigError as error:
        fail(str(error))
    from cynic.agents.reviewer import LLMReviewer

    if not settings.llm_configured:
        fail("--llm needs an LLM: set CYNIC_MODEL and OPENAI_API_KEY (or OPENAI_BASE_URL for a local server), "
             "or `model` and `base_url` in .cynic.toml. Or run without --llm.")
    return LLMReviewer(settings)
