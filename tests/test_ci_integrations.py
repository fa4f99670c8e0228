"""The integration files in the repository say what CI runs: the action reviews against the PR
base, uploads SARIF and fills the job summary; the pre-commit hook audits the whole project."""

from __future__ import annotations

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
