"""The whole loop on small repositories made in the test, with a scripted coder."""

from __future__ import annotations

from pathlib import Path

import git

from cynic.agents.base import Usage
from cynic.agents.security import SecurityAgent
from cynic.sandbox.worktree import find_target
from cynic.workflows.run import Crew, list_runs, load_run, start_run
from tests.fakes import CLEAN_APP, INJECTION, OTHER_INJECTION, Edit, ScriptedCoder, make_repo

DIRTY_APP = INJECTION + CLEAN_APP


def run_loop(repo: Path, coder: ScriptedCoder, *, max_rounds: int = 5, test_cmd: str | None = None,
             max_tokens: int | None = None, request: str | None = None) -> dict:
    target = find_target(repo)
    return start_run(
        target, target.state_dir, Crew(coder, SecurityAgent()),
        mode="implement" if request else "fix", request=request, test_cmd=test_cmd,
        limits={"max_rounds": max_rounds, "max_tokens": max_tokens, "max_cost": None},
    )


def branch_log(repo: Path, state: dict) -> list[str]:
    return git.Repo(repo).git.log("--format=%an <%ae>|%s", f"{state['base_commit']}..{state['branch']}").splitlines()


def test_clean_on_the_first_audit_stops_without_coding(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP})
    coder = ScriptedCoder([])

    state = run_loop(repo, coder)

    assert state["status"] == "clean" and state["round"] == 0
    assert coder.tasks == []
    assert branch_log(repo, state) == []


def test_one_round_fixes_the_checklist_on_its_own_branch_and_leaves_the_user_alone(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP, "notes.txt": "keep\n"})
    (repo / "notes.txt").write_text("uncommitted edit\n")  # the user's work in progress
    (repo / "scratch.py").write_text(INJECTION)  # untracked
    user = git.Repo(repo)
    user.git.add("notes.txt")  # something staged, too
    before = (user.git.status("--porcelain"), user.head.commit.hexsha, user.active_branch.name, user.git.diff("--cached"))

    state = run_loop(repo, ScriptedCoder([Edit(writes={"app.py": CLEAN_APP})]))

    assert state["status"] == "clean" and state["round"] == 1
    assert any("uncommitted changes" in note for note in state["notes"])
    log = branch_log(repo, state)
    assert len(log) == 1 and log[0].startswith("cynic <cynic@localhost>|cynic round 1")
    message = user.git.log("-1", "--format=%B", state["branch"])
    assert "INJ001 reviewer-injection-attempt at app.py:1" in message
    assert state["history"][1]["fixed"] == [f["fingerprint"] for f in state["history"][0]["checklist"]]
    assert (user.git.status("--porcelain"), user.head.commit.hexsha, user.active_branch.name, user.git.diff("--cached")) == before
    assert (repo / "app.py").read_text() == DIRTY_APP
    assert Path(state["workspace"]).is_relative_to(repo / ".git" / "cynic" / "worktrees")
    assert not Path(state["workspace"]).exists()  # the finished run's checkout is freed; its branch stays
    assert user.git.worktree("list").count("\n") == 0


def test_round_limit_stops_with_the_rest_of_the_checklist(tmp_path: Path) -> None:
    files = {f"m{i}.py": DIRTY_APP for i in range(3)}
    repo = make_repo(tmp_path / "repo", files)
    coder = ScriptedCoder([Edit(writes={"m0.py": CLEAN_APP}), Edit(writes={"m1.py": CLEAN_APP})])

    state = run_loop(repo, coder, max_rounds=2)

    assert state["status"] == "max_rounds"
    assert [f["path"] for f in state["checklist"]] == ["m2.py"]
    assert len(branch_log(repo, state)) == 2


def test_a_round_that_changes_nothing_stalls(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})

    state = run_loop(repo, ScriptedCoder([]))

    assert state["status"] == "stalled" and state["history"][-1]["commit"] is None
    assert len(state["checklist"]) == 1


def test_a_round_that_fixes_nothing_stalls(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})

    state = run_loop(repo, ScriptedCoder([Edit(writes={"other.py": CLEAN_APP})]))

    assert state["status"] == "stalled" and state["round"] == 1
    assert state["history"][1]["commit"] is not None and state["history"][1]["fixed"] == []


def test_a_checklist_seen_before_is_oscillating(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": DIRTY_APP, "b.py": CLEAN_APP})
    coder = ScriptedCoder([
        Edit(writes={"a.py": CLEAN_APP, "b.py": OTHER_INJECTION + CLEAN_APP}),  # fixes a, breaks b
        Edit(writes={"a.py": DIRTY_APP, "b.py": CLEAN_APP}),  # fixes b, breaks a again
    ])

    state = run_loop(repo, coder)

    assert state["status"] == "oscillating" and state["round"] == 2
    assert state["history"][2]["fixed"] and state["history"][2]["new"]


def test_failing_tests_block_clean_and_their_output_reaches_the_coder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})
    coder = ScriptedCoder([Edit(writes={"app.py": CLEAN_APP}), Edit(writes={"ok.flag": "yes\n"})])
    test_cmd = "test -f ok.flag || { echo 'FAILED test_flag: ok.flag is missing'; exit 1; }"

    state = run_loop(repo, coder, test_cmd=test_cmd)

    assert state["status"] == "clean" and state["round"] == 2
    assert state["history"][1]["checklist"] == [] and not state["history"][1]["test"]["passed"]
    assert "FAILED test_flag: ok.flag is missing" in (coder.tasks[1].test_output or "")
    assert state["history"][2]["test"]["passed"]


def test_budget_stops_the_run(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.py": DIRTY_APP, "b.py": DIRTY_APP})
    coder = ScriptedCoder([Edit(writes={"a.py": CLEAN_APP}, usage=Usage(prompt_tokens=900, completion_tokens=200))])

    state = run_loop(repo, coder, max_tokens=1000)

    assert state["status"] == "budget" and len(state["checklist"]) == 1


def test_a_coder_failure_ends_the_run_with_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})

    state = run_loop(repo, ScriptedCoder([Edit(fail="the model endpoint refused the request")]))

    assert state["status"] == "error" and "refused the request" in state["error"]


def test_a_suppression_added_by_the_coder_is_not_honoured(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})
    silenced = "# cynic: ignore[INJ001] reviewed, harmless\n" + DIRTY_APP
    state = run_loop(repo, ScriptedCoder([Edit(writes={"app.py": silenced})]))

    assert state["status"] == "stalled"
    assert sorted(f["rule"] for f in state["checklist"]) == ["INJ001", "SUPP001"]


def test_a_file_the_coder_broke_blocks_clean(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})
    coder = ScriptedCoder([Edit(writes={"app.py": "def handler(q:\n"}), Edit(writes={"app.py": CLEAN_APP})])

    state = run_loop(repo, coder)

    assert state["history"][1]["unparsed"] == ["app.py"]
    assert "no longer parse" in (coder.tasks[1].test_output or "")
    assert state["status"] == "clean" and state["round"] == 2


def test_implement_codes_the_request_even_when_the_checklist_starts_empty(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP})
    coder = ScriptedCoder([Edit(writes={"feature.py": CLEAN_APP})])

    state = run_loop(repo, coder, request="add a feature module")

    assert state["status"] == "clean" and state["round"] == 1
    assert coder.tasks[0].request == "add a feature module"


def test_runs_are_listed_and_their_history_is_on_disk(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app.py": DIRTY_APP})
    state = run_loop(repo, ScriptedCoder([Edit(writes={"app.py": CLEAN_APP})]))
    state_dir = repo / ".git" / "cynic"

    listed = list_runs(state_dir)
    assert [(s["run_id"], s["status"]) for s in listed] == [(state["run_id"], "clean")]
    assert load_run(state_dir, state["run_id"])["history"] == state["history"]
    folder = state_dir / "runs" / state["run_id"]
    assert "INJ001" in (folder / "round-0.md").read_text()
    assert "No open findings" in (folder / "round-1.md").read_text()
    assert '"status": "clean"' in (folder / "run.json").read_text()




def test_a_committed_env_secret_is_replaced_and_the_round_says_rotate_it(tmp_path: Path) -> None:
    from cynic.agents.deterministic import DeterministicCoder

    repo = make_repo(tmp_path / "repo", {"app.py": CLEAN_APP, ".env": "DEBUG=true\nJWT_SECRET=9f8e7d6c5b4a39281706f5e4d3c2b1a0\n"})

    state = run_loop(repo, DeterministicCoder())

    assert state["status"] == "clean" and state["round"] == 1
    branch = git.Repo(repo).git
    assert branch.show(f"{state['branch']}:.env") == "DEBUG=true\nJWT_SECRET=change-me"
    assert ".gitignore" not in branch.ls_tree("--name-only", state["branch"]).split()
    rotate = "the old value of `JWT_SECRET` (.env) is in git history: rotate it"
    assert list(state["history"][1]["follow_ups"].values()) == [rotate]
    assert f"Still to do by hand:\n- {rotate}" in branch.log("-1", "--format=%B", state["branch"])
