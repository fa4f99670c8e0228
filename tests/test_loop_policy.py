"""The loop honours the repository's baseline and waivers, and a waiver the coder writes is no
waiver: it is reported (TAMP001) and hides nothing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import git
from typer.testing import CliRunner

from cynic.agents.security import SecurityAgent
from cynic.audit import audit
from cynic.cli import app
from cynic.models import Waiver
from cynic.policy import add_waiver, load_policy
from cynic.sandbox.worktree import find_target
from cynic.workflows.run import Crew, start_run
from tests.fakes import CLEAN_APP, INJECTION, Edit, ScriptedCoder, make_repo

LIMITS = {"max_rounds": 1, "max_tokens": None, "max_cost": None}


def waived_repo(root: Path) -> tuple[Path, Waiver]:
    """A repository whose one finding is waived in its committed `.cynic/waivers.json`."""
    repo = make_repo(root, {"app.py": INJECTION + CLEAN_APP})
    finding = audit(repo, use_cache=False).findings[0]
    waiver = Waiver(fingerprint=finding.fingerprint, rule=finding.rule, path=finding.path, evidence=finding.evidence,
                    reason="a quoted example", owner="sec-lead", expires=date(2099, 1, 1))
    add_waiver(repo, waiver)
    git.Repo(repo).git.add("--all")
    git.Repo(repo).git.commit("-q", "-m", "waive", env={"GIT_AUTHOR_NAME": "dev", "GIT_AUTHOR_EMAIL": "dev@example.com",
                                                      "GIT_COMMITTER_NAME": "dev", "GIT_COMMITTER_EMAIL": "dev@example.com"})
    return repo, waiver


def test_a_waived_finding_does_not_keep_the_loop_running(tmp_path: Path) -> None:
    repo, _ = waived_repo(tmp_path / "repo")
    coder = ScriptedCoder([])
    target = find_target(repo)

    state = start_run(target, target.state_dir, Crew(coder, SecurityAgent(policy=load_policy(repo))),
                      mode="fix", request=None, test_cmd=None, limits=LIMITS)

    assert state["status"] == "clean" and coder.tasks == []


def test_cynic_fix_reads_the_repository_waivers(tmp_path: Path) -> None:
    repo, _ = waived_repo(tmp_path / "repo")

    result = CliRunner().invoke(app, ["fix", str(repo), "--quiet"])

    assert result.exit_code == 0 and "status clean" in result.output


def test_a_waiver_the_coder_writes_hides_nothing_and_is_reported(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": INJECTION + CLEAN_APP})
    finding = audit(repo, use_cache=False).findings[0]
    forged = {"version": 1, "waivers": [{"fingerprint": finding.fingerprint, "rule": finding.rule, "path": finding.path,
                                         "evidence": finding.evidence, "reason": "fine", "owner": "coder",
                                         "expires": "2099-01-01"}]}
    coder = ScriptedCoder([Edit(writes={".cynic/waivers.json": json.dumps(forged)})])
    target = find_target(repo)

    state = start_run(target, target.state_dir, Crew(coder, SecurityAgent(policy=load_policy(repo))),
                      mode="fix", request=None, test_cmd=None, limits=LIMITS)

    rules = sorted((item["rule"], item["path"]) for item in state["checklist"])
    assert rules == [(finding.rule, "app.py"), ("TAMP001", ".cynic/waivers.json")]
