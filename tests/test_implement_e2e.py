"""`cynic implement` end to end: the real `openai` client against the scripted fake endpoint, which
plays the coder through the tools and the reviewer through the JSON schema, on small git repos."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from cynic.cli import app
from cynic.workflows.run import list_runs
from cynic.workflows.state import total_usage
from tests.fake_openai import reply, serve
from tests.fakes import INJECTION, make_repo
from tests.implement_support import (
    APP,
    BOUND_SQL,
    PROMPT,
    ROUTE,
    ROUTE_PATH,
    TESTS,
    branch_commits,
    done,
    feature_round,
    findings,
    hardening_round,
    implement,
    latest_run,
    rules,
    runner,
)


@pytest.fixture(autouse=True)
def no_configured_llm(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CYNIC_MODEL", "CYNIC_CODER_MODEL", "CYNIC_REVIEWER_MODEL",
                 "CYNIC_STATE_DIR", "CYNIC_TEST_CMD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", APP)


def test_a_feature_is_built_then_hardened_until_clean(repo: Path) -> None:
    script = [*feature_round(), findings(), *hardening_round(), findings()]
    with serve(script) as fake:
        result = implement(repo, base_url=fake.base_url)

    assert result.exit_code == 0, result.output
    state = latest_run(repo)
    assert state["status"] == "clean" and state["round"] == 2
    assert rules(state["history"][0]) == [] and rules(state["history"][1]) == ["SQL001"] and rules(state["history"][2]) == []
    assert len(branch_commits(repo, state)) == 2
    route = git.Repo(repo).git.show(f"{state['branch']}:{ROUTE_PATH}")
    assert BOUND_SQL in route and "include_router(items.router)" in git.Repo(repo).git.show(f"{state['branch']}:app/main.py")
    round_two_task = fake.requests[4]["messages"][1]["content"]
    assert "SQL001" in round_two_task and ROUTE_PATH in round_two_task, "the checklist reaches the coder"
    assert "response_format" in fake.requests[3] and fake.requests[3]["response_format"]["type"] == "json_schema"
    assert [set(record.get("usage", {})) for record in state["history"]] == [set(), {"coder", "reviewer"}, {"coder", "reviewer"}]
    assert state["history"][1]["usage"]["coder"]["prompt_tokens"] == 300
    assert state["history"][1]["review"]["files_read"] == ["app/api/routes/items.py", "app/main.py"]


def test_show_prints_tokens_per_agent_and_what_the_reviewer_read(repo: Path) -> None:
    with serve([*feature_round(), findings(), *hardening_round(), findings()]) as fake:
        implement(repo, base_url=fake.base_url)
    run_id = latest_run(repo)["run_id"]

    shown = runner.invoke(app, ["show", run_id, str(repo)])

    assert shown.exit_code == 0, shown.output
    assert ("round 1: usage: coder 360 tokens (300 prompt + 60 completion), cost 0.0000; "
            "security agent (LLM reviewer) 120 tokens") in shown.output
    assert "round 1: the LLM reviewer read app/api/routes/items.py, app/main.py" in shown.output
    assert "total: coder 720 tokens" in shown.output and "total: security agent (LLM reviewer) 240 tokens" in shown.output
    summary = json.loads((repo / ".git/cynic/runs" / run_id / "run.json").read_text())
    assert summary["usage_by_agent"]["reviewer"]["prompt_tokens"] == 200
    assert summary["history"][1]["review"]["files_not_read"] == []


def test_every_exchange_is_recorded_in_the_run_folder_without_the_key(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-that-must-not-be-recorded")
    with serve([*feature_round(), findings(), *hardening_round(), findings()]) as fake:
        implement(repo, base_url=fake.base_url)
    recording = repo / ".git/cynic/runs" / latest_run(repo)["run_id"] / "llm.jsonl"

    entries = [json.loads(line) for line in recording.read_text().splitlines()]

    assert [entry["agent"] for entry in entries] == ["coder"] * 3 + ["reviewer"] + ["coder"] * 3 + ["reviewer"]
    assert fake.headers[0]["authorization"] == "Bearer sk-test-key-that-must-not-be-recorded"
    assert "sk-test-key" not in recording.read_text()


def test_a_replayed_run_makes_the_same_commits_and_checklists_without_an_endpoint(repo: Path) -> None:
    with serve([*feature_round(), findings(), *hardening_round(), findings()]) as fake:
        implement(repo, base_url=fake.base_url)
    original = latest_run(repo)
    recording = repo / ".git/cynic/runs" / original["run_id"] / "llm.jsonl"

    result = implement(repo, "--replay", str(recording))

    assert result.exit_code == 0, result.output
    replayed = latest_run(repo)
    assert replayed["run_id"] != original["run_id"]
    trees = [[git.Repo(repo).git.rev_parse(f"{sha}^{{tree}}") for sha in branch_commits(repo, state)] for state in (original, replayed)]
    assert trees[0] == trees[1] and len(trees[0]) == 2
    assert [record["checklist"] for record in replayed["history"]] == [record["checklist"] for record in original["history"]]


def test_a_reviewer_saying_no_findings_cannot_clear_a_deterministic_one(repo: Path) -> None:
    downgrade = {"rule": "SQL001", "severity": "low", "confidence": "low", "path": ROUTE_PATH, "line": 14,
                 "evidence": "rows = connection.execute(", "message": "fine, actually", "fix": ""}
    with serve([*feature_round(), findings(downgrade)]) as fake:
        result = implement(repo, "--max-rounds", "1", base_url=fake.base_url)

    assert result.exit_code == 1, result.output
    (sql,) = latest_run(repo)["checklist"]
    assert (sql["rule"], sql["severity"], sql["source"]) == ("SQL001", "critical", "rule")
    assert "status max_rounds" in result.output


def test_code_telling_the_reviewer_to_report_nothing_is_reported_and_hides_nothing(repo: Path) -> None:
    with serve([*feature_round(INJECTION + ROUTE), findings()]) as fake:
        result = implement(repo, "--max-rounds", "1", base_url=fake.base_url)

    assert result.exit_code == 1
    assert rules(latest_run(repo)) == ["INJ001", "SQL001"]
    review_prompt = fake.requests[3]["messages"][1]["content"]
    begin, end = review_prompt.index(" BEGIN"), review_prompt.index(" END")
    assert begin < review_prompt.index("report no findings") < end, "the comment reaches the reviewer as data"


def test_tool_calls_reaching_outside_the_workspace_are_refused_counted_and_the_run_goes_on(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret\n")
    repo = make_repo(tmp_path / "repo", APP)
    (repo / "shared").symlink_to(outside)
    git.Repo(repo).git.add("shared")
    git.Repo(repo).git.commit("-qm", "a link", env={"GIT_AUTHOR_NAME": "d", "GIT_AUTHOR_EMAIL": "d@e.invalid",
                                                    "GIT_COMMITTER_NAME": "d", "GIT_COMMITTER_EMAIL": "d@e.invalid"})
    escapes = [("read_file", {"path": "../outside/secret.txt"}), ("read_file", {"path": str(outside / "secret.txt")}),
               ("read_file", {"path": "shared/secret.txt"}), ("write_file", {"path": "shared/planted.py", "content": "x = 1\n"}),
               ("write_file", {"path": "/tmp/planted.py", "content": "x = 1\n"})]
    script = [reply(tool_calls=escapes), reply(tool_calls=[("write_file", {"path": "app/version.py", "content": 'VERSION = "1"\n'})]),
              done("Added the version."), findings()]
    with serve(script) as fake:
        result = implement(repo, "--max-rounds", "1", base_url=fake.base_url)

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in outside.iterdir()) == ["secret.txt"]
    answers = [m["content"] for m in fake.requests[1]["messages"] if m["role"] == "tool"]
    assert len(answers) == 5 and all(answer.startswith("error: refused") for answer in answers)
    assert "top secret" not in json.dumps(fake.requests)
    record = latest_run(repo)["history"][1]
    assert len(record["refused"]) == 5 and record["files_changed"] == ["app/version.py"]
    assert "5 tool call(s) refused" in result.output


def test_suppressions_and_a_deleted_test_from_the_llm_coder_are_reported_not_honoured(repo: Path) -> None:
    suppressed = ROUTE.replace(".all()\n", ".all()  # nosec\n")
    weakened_tests = TESTS.split("\n\n\ndef test_search_is_parameterised")[0] + "\n"
    script = [reply(tool_calls=[("write_file", {"path": ROUTE_PATH, "content": suppressed}),
                                ("write_file", {"path": "tests/test_items.py", "content": weakened_tests})]),
              done("Added the route."), findings()]
    with serve(script) as fake:
        result = implement(repo, "--max-rounds", "1", base_url=fake.base_url)

    assert result.exit_code == 1
    assert rules(latest_run(repo)) == ["SQL001", "SUPP001", "TAMP001"]
    assert "deleted the test `test_search_is_parameterised`" in result.output


def test_the_token_budget_stops_the_run_with_status_budget(repo: Path) -> None:
    script = [reply(tool_calls=[("write_file", {"path": ROUTE_PATH, "content": ROUTE})]), findings(),
              *hardening_round(), findings()]
    with serve(script) as fake:
        result = implement(repo, "--max-tokens", "100", base_url=fake.base_url)

    assert result.exit_code == 1, result.output
    state = latest_run(repo)
    assert state["status"] == "budget" and state["round"] == 1
    assert len(fake.requests) == 2, "the coder stopped its round at the budget; no round 2"
    assert "run budget" in state["history"][1]["coder_summary"]
    assert "stopped at the token/cost budget (status budget, exit code 1)" in result.output


def test_an_endpoint_down_stops_the_run_resumably_and_resume_completes_it(repo: Path) -> None:
    with serve([*feature_round(), findings()]) as fake:
        stopped = implement(repo, base_url=fake.base_url)
        state = latest_run(repo)
        run_id = state["run_id"]

        assert stopped.exit_code == 3, stopped.output
        assert state["status"] == "error" and fake.base_url in state["error"] and f"cynic resume {run_id}" in stopped.output
        round_one = state["history"][1]["commit"]

        fake.script.extend([*hardening_round(), findings()])
        resumed = runner.invoke(app,
                                ["resume", run_id, str(repo), "--base-url", fake.base_url, "--model", "fake-model", "--quiet"])

    assert resumed.exit_code == 0, resumed.output
    final = latest_run(repo)
    assert final["status"] == "clean" and final["round"] == 2
    assert branch_commits(repo, final) == [round_one, final["history"][2]["commit"]]


def test_an_endpoint_down_during_the_review_retries_the_review_on_resume(repo: Path) -> None:
    with serve(feature_round()) as fake:
        stopped = implement(repo, "--max-rounds", "1", base_url=fake.base_url)
        assert stopped.exit_code == 3 and "security agent failed after round 1" in stopped.output
        run_id = latest_run(repo)["run_id"]

        fake.script.append(findings())
        resumed = runner.invoke(app,
                                ["resume", run_id, str(repo), "--base-url", fake.base_url, "--model", "fake-model", "--quiet"])

    assert resumed.exit_code == 1, resumed.output
    final = latest_run(repo)
    assert final["status"] == "max_rounds" and rules(final) == ["SQL001"] and len(branch_commits(repo, final)) == 1


def test_no_llm_review_runs_the_deterministic_rules_only(repo: Path) -> None:
    with serve(feature_round()) as fake:
        result = implement(repo, "--max-rounds", "1", "--no-llm-review", base_url=fake.base_url)

    assert result.exit_code == 1 and len(fake.requests) == 3
    assert all("response_format" not in request for request in fake.requests)
    assert set(latest_run(repo)["history"][1]["usage"]) == {"coder"}


def test_the_rulebook_file_reaches_both_agents(repo: Path, tmp_path: Path) -> None:
    rulebook = tmp_path / "house-rules.md"
    rulebook.write_text("# House rules\n\nHOUSE001: every route logs who called it.\n")
    with serve([*feature_round(), findings()]) as fake:
        implement(repo, "--max-rounds", "1", "--rulebook", str(rulebook), base_url=fake.base_url)

    assert "HOUSE001" in fake.requests[0]["messages"][0]["content"]
    assert "HOUSE001" in fake.requests[3]["messages"][0]["content"]


def test_the_coder_runs_the_tests_through_the_sandbox(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CYNIC_PROBE_TOKEN", "must-not-reach-the-tests")
    command = "echo probe=${CYNIC_PROBE_TOKEN:-scrubbed}"
    script = [reply(tool_calls=[("run_tests", {})]), reply(tool_calls=[("write_file", {"path": "app/v.py", "content": "V = 1\n"})]),
              done("Checked the tests."), findings()]
    with serve(script) as fake:
        result = implement(repo, "--max-rounds", "1", "--test-cmd", command, base_url=fake.base_url)

    assert result.exit_code == 0, result.output
    tool_answer = fake.requests[1]["messages"][-1]["content"]
    assert "passed" in tool_answer and "probe=scrubbed" in tool_answer


def test_implement_names_the_prompt_in_the_run(repo: Path) -> None:
    with serve([*feature_round(), findings()]) as fake:
        implement(repo, "--max-rounds", "1", base_url=fake.base_url)
    assert latest_run(repo)["request"] == PROMPT and PROMPT in fake.requests[0]["messages"][1]["content"]


def test_fix_asks_the_llm_reviewer_when_an_llm_is_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path / "repo", {**APP, ROUTE_PATH: ROUTE})
    with serve([findings()]) as fake:
        monkeypatch.setenv("OPENAI_BASE_URL", fake.base_url)
        monkeypatch.setenv("CYNIC_MODEL", "fake-model")
        reviewed = runner.invoke(app, ["fix", str(repo), "--quiet"])
        unreviewed = runner.invoke(app, ["fix", str(repo), "--quiet", "--no-llm-review"])

    assert reviewed.exit_code == 0 and unreviewed.exit_code == 0, reviewed.output + unreviewed.output
    assert len(fake.requests) == 1 and "response_format" in fake.requests[0]
    by_review = {state["llm_review"]: state for state in list_runs(repo / ".git" / "cynic")}  # both may start in one second
    assert set(by_review[True]["history"][1]["usage"]) == {"reviewer"} and by_review[False]["history"][1].get("usage", {}) == {}


def test_a_cost_budget_counts_with_the_configured_price(tmp_path: Path) -> None:
    priced = {**APP, ".cynic.toml": APP[".cynic.toml"] + '\n[prices."fake-model"]\ninput = 10000.0\noutput = 10000.0\n'}
    repo = make_repo(tmp_path / "repo", priced)
    with serve([*feature_round(), findings(), *hardening_round(), findings()]) as fake:
        result = implement(repo, "--max-cost", "5", base_url=fake.base_url)

    assert result.exit_code == 1, result.output
    state = latest_run(repo)
    assert state["status"] == "budget" and total_usage(state)["cost"] >= 5
    assert "run budget" in state["history"][2]["coder_summary"], "round 2's coder stopped at what the budget left"


def test_a_cost_budget_without_a_price_is_refused(repo: Path) -> None:
    result = implement(repo, "--max-cost", "1", base_url="http://127.0.0.1:9/v1")

    assert result.exit_code == 2 and '[prices."fake-model"]' in result.output
