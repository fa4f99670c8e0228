"""The integration files in the repository say what CI runs: the action reviews against the PR
base, uploads SARIF and fills the job summary; the pre-commit hook audits the whole project."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def test_the_action_installs_cynic_reviews_the_pr_and_publishes_sarif_and_summary() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    steps = action["runs"]["steps"]
    scripts = "\n".join(step.get("run", "") for step in steps)

    assert action["runs"]["using"] == "composite"
    assert action["inputs"]["base"]["default"] == "${{ github.event.pull_request.base.sha }}"
    assert 'pip install --quiet "$ACTION_PATH"' in scripts
    assert "cynic review --base" in scripts and "--format sarif" in scripts
    assert "$GITHUB_STEP_SUMMARY" in scripts
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif@") for step in steps)
    assert "${{" not in scripts  # inputs reach the shell through env, never spliced into the script


def test_the_pre_commit_hook_audits_the_whole_project() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())

    assert hook["entry"] == "cynic audit" and hook["pass_filenames"] is False and hook["language"] == "python"


def _review_options() -> set[str]:
    import typer.main

    from cynic.cli import app

    review = typer.main.get_command(app).commands["review"]  # type: ignore[attr-defined]
    return {option for param in review.params for option in param.opts if option.startswith("-")}


def test_the_action_and_the_ci_guide_use_only_options_cynic_review_has() -> None:
    action = yaml.safe_load((REPO / "action.yml").read_text())
    steps = action["runs"]["steps"]
    guide = (REPO / "docs" / "ci.md").read_text().split("## `cynic review`", 1)[1].split("\n## ", 1)[0]
    options = _review_options()

    assert all("shell" in step for step in steps if "run" in step), "a composite action's run step needs a shell"
    (review_step,) = [step for step in steps if step.get("id") == "review"]
    assert set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", review_step["run"])) <= options
    documented = set(re.findall(r"^\| `(--[a-z-]+)", guide, flags=re.MULTILINE))
    assert documented == {option for option in options if option.startswith("--")} - {"--help"}, "docs/ci.md's option table lists exactly review's options"
    formats = re.search(r"\| `--format`, `-f` \|(.*)\|", guide)
    assert formats is not None
    assert set(re.findall(r"`(\w+)`", formats.group(1))) == {"markdown", "json", "sarif", "junit", "html"}
