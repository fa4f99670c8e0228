"""Prompts, the rulebook, redaction and the LLM settings the agents are built from."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jinja2
import pytest

from cynic.agents.base import ReviewTask
from cynic.agents.redact import redact_file
from cynic.agents.reviewer import LLMReviewer
from cynic.agents.rulebook import RulebookError, default_rulebook, load_rulebook
from cynic.config import ConfigError, Settings, load_settings
from cynic.prompts import TEMPLATES, render
from cynic.rules import RULES_BY_CODE
from tests.fake_openai import error, reply, serve
from tests.llm_support import fake_settings, make_repo

PROMPTS = Path(__file__).parents[1] / "src" / "cynic" / "prompts"
SAMPLE_CONTEXT = {
    "rulebook": "RULES", "redacted": "<redacted>", "max_tool_calls": 3, "round": 2, "request": "Add X",
    "checklist": [{"rule": "SQL001", "name": "raw-sql-string", "severity": "critical", "path": "a.py", "line": 1,
                   "fingerprint": "fp", "message": "m", "evidence": "e", "fix": "f", "why": "w", "use_instead": "u"}],
    "test_output": "1 failed", "repo_map": [("a.py", 10)], "omitted": 2, "checklist_omitted": 3, "delimiter": "<<<D>>>",
    "deterministic": [], "not_shown": ["b.py"], "diff": "+x", "files": [{"path": "a.py", "numbered": "    1| x"}],
}
LLM_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CYNIC_MODEL", "CYNIC_CODER_MODEL", "CYNIC_REVIEWER_MODEL", "MY_KEY")


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in LLM_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_every_template_is_listed_and_renders() -> None:
    assert sorted(TEMPLATES) == sorted(path.name for path in PROMPTS.glob("*.j2"))
    for name in TEMPLATES:
        assert render(name, **SAMPLE_CONTEXT).strip()


def test_a_missing_prompt_variable_is_an_error() -> None:
    with pytest.raises(jinja2.UndefinedError):
        render("coder_system.md.j2", rulebook="RULES")


def test_the_default_rulebook_covers_every_catalog_rule() -> None:
    text = default_rulebook()
    assert set(RULES_BY_CODE) <= set(re.findall(r"\*\*([A-Z]+\d{3}) ", text))
    assert len(re.findall(r"\*\*([A-Z]+\d{3}) ", text)) == 22


def test_a_user_rulebook_replaces_the_default(tmp_path: Path) -> None:
    mine = tmp_path / "rules.md"
    mine.write_text("# Ours\n- ACME001: every handler logs its caller.\n")
    assert load_rulebook(mine) == mine.read_text()
    assert load_rulebook(None) == default_rulebook()
    with pytest.raises(RulebookError, match="cannot read the rulebook"):
        load_rulebook(tmp_path / "missing.md")


def test_redaction_hides_key_shaped_strings_and_keeps_code_readable() -> None:
    code = 'SECRET_KEY: str = "changethis-please"\nOPENAI = "sk-proj-abcdefghijklmnopqrstuv"\ntoken: Annotated[str, Depends(oauth2)]\n'
    shown = redact_file("app/core/config.py", code)
    assert "changethis" not in shown and "sk-proj" not in shown
    assert "token: Annotated[str, Depends(oauth2)]" in shown
    compose = redact_file("docker-compose.yml", "  POSTGRES_PASSWORD: changethis\n  POSTGRES_USER: app\n")
    assert "changethis" not in compose and "POSTGRES_USER: app" in compose


def test_settings_come_from_flags_environment_and_files(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / ".cynic.toml").write_text(
        'model = "from-file"\nreviewer_model = "big"\napi_key_env = "MY_KEY"\n'
        '[prices]\n"big" = {input = 2.5, output = 10}\n'
    )
    clean_env.setenv("CYNIC_MODEL", "from-env")
    clean_env.setenv("MY_KEY", "sk-from-named-variable")
    settings = load_settings(tmp_path, base_url="http://127.0.0.1:8000/v1")
    assert settings.model_for("coder") == "from-env"
    assert settings.model_for("reviewer") == "big"
    assert settings.api_key is not None and settings.api_key.get_secret_value() == "sk-from-named-variable"
    assert settings.base_url == "http://127.0.0.1:8000/v1"
    assert settings.prices["big"].output == 10
    assert load_settings(tmp_path, model="from-flag").model_for("coder") == "from-flag"


def test_a_key_written_in_a_config_file_is_refused(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cynic]\napi_key = "sk-committed-by-mistake-1234567890"\n')
    with pytest.raises(ConfigError, match="leaked secret") as raised:
        load_settings(tmp_path)
    assert "sk-committed" not in str(raised.value)


def test_a_reviewer_replay_reproduces_the_schema_fallback(tmp_path: Path) -> None:
    workspace = make_repo(tmp_path / "repo", {"app/main.py": "import os\nos.system(cmd)\n"})
    recording = tmp_path / "llm.jsonl"
    finding = {"rule": "LLM-command-injection", "severity": "high", "confidence": "medium", "path": "app/main.py",
               "line": 2, "evidence": "os.system(cmd)", "message": "shell command from input", "fix": "use subprocess.run([...])"}
    task = ReviewTask(workspace=workspace, changed_paths=["app/main.py"], diff="", deterministic=[], rulebook="RULES")
    script = [error(400, "Unknown parameter: response_format.json_schema"), reply(json.dumps({"findings": [finding]}))]
    with serve(script) as fake:
        recorded = LLMReviewer(fake_settings(fake.base_url), record_to=recording).review(task)
    replayed = LLMReviewer(Settings(replay=recording, api_key=None)).review(task)
    assert replayed == recorded
    assert [f.rule for f in replayed.findings] == ["LLM-command-injection"]
    assert [("rejected" in json.loads(line)) for line in recording.read_text().splitlines()] == [True, False]
