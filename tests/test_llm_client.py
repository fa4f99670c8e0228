"""The LLM client through the real `openai` SDK against a fake endpoint on loopback."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from pydantic import BaseModel

from cynic.agents.errors import LLMBadOutput, LLMError, LLMNotConfigured, LLMUnavailable
from cynic.agents.llm import build_client
from cynic.config import Price, Settings
from tests.fake_openai import error, reply, serve, slow
from tests.llm_support import fake_settings

MESSAGES = [{"role": "user", "content": "hello"}]


class Verdict(BaseModel):
    verdict: str
    score: int


def test_a_429_is_retried_after_the_delay_the_server_asked_for() -> None:
    sleeps: list[float] = []
    with serve([error(429, "rate limited", retry_after="7"), reply("hi")]) as fake:
        client = build_client(fake_settings(fake.base_url), "coder", sleep=sleeps.append)
        answer = client.chat(MESSAGES)
    assert answer.content == "hi"
    assert sleeps == [7.0]
    assert len(fake.requests) == 2


def test_server_errors_back_off_exponentially_then_succeed() -> None:
    sleeps: list[float] = []
    with serve([error(500, "boom"), error(503, "busy"), reply("ok")]) as fake:
        client = build_client(fake_settings(fake.base_url), "coder", sleep=sleeps.append)
        assert client.chat(MESSAGES).content == "ok"
    assert sleeps == [1.0, 2.0]


def test_a_retry_after_past_the_wait_limit_gives_up_at_once() -> None:
    sleeps: list[float] = []
    with serve([error(429, "come back tomorrow", retry_after="86400")]) as fake:
        client = build_client(fake_settings(fake.base_url, llm_max_wait=60), "coder", sleep=sleeps.append)
        with pytest.raises(LLMUnavailable, match="llm_max_wait"):
            client.chat(MESSAGES)
    assert sleeps == []


def test_a_slow_endpoint_times_out_and_is_reported_unavailable() -> None:
    sleeps: list[float] = []
    with serve([slow(reply("late"), 3), slow(reply("late"), 3)]) as fake:
        settings = fake_settings(fake.base_url, llm_timeout=0.3, llm_max_retries=1)
        client = build_client(settings, "coder", sleep=sleeps.append)
        with pytest.raises(LLMUnavailable) as raised:
            client.chat(MESSAGES)
    assert "no answer within 0.3 s" in str(raised.value)
    assert "2 attempts" in str(raised.value)
    assert sleeps == [1.0]


def test_a_server_that_is_down_gives_a_clear_message() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}/v1"
    client = build_client(fake_settings(base_url, llm_max_retries=2), "reviewer", sleep=lambda _: None)
    with pytest.raises(LLMUnavailable) as raised:
        client.chat(MESSAGES)
    message = str(raised.value)
    assert base_url in message
    assert "cannot connect" in message
    assert "cynic resume RUN" in message


def test_a_refused_key_is_not_retried_and_says_what_to_check() -> None:
    with serve([error(401, "invalid api key")]) as fake:
        client = build_client(fake_settings(fake.base_url), "coder", sleep=lambda _: None)
        with pytest.raises(LLMError, match="refused the API key"):
            client.chat(MESSAGES)
        assert len(fake.requests) == 1


def test_json_schema_answers_are_validated() -> None:
    with serve([reply('{"verdict": "clean", "score": 3}')]) as fake:
        client = build_client(fake_settings(fake.base_url), "reviewer")
        verdict, usage = client.chat_json(MESSAGES, Verdict, "verdict")
    assert verdict == Verdict(verdict="clean", score=3)
    assert usage.total_tokens == 120
    sent = fake.requests[0]["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["name"] == "verdict"
    assert set(sent["json_schema"]["schema"]["properties"]) == {"verdict", "score"}


def test_malformed_json_gets_one_repair_request() -> None:
    with serve([reply('{"verdict": "clean", "score": '), reply('{"verdict": "clean", "score": 1}')]) as fake:
        client = build_client(fake_settings(fake.base_url), "reviewer")
        verdict, usage = client.chat_json(MESSAGES, Verdict, "verdict")
    assert verdict.score == 1
    assert usage.prompt_tokens == 200
    repair = fake.requests[1]["messages"]
    assert repair[-2] == {"role": "assistant", "content": '{"verdict": "clean", "score": '}
    assert "not valid" in repair[-1]["content"]


def test_json_that_stays_malformed_after_the_repair_is_an_error() -> None:
    with serve([reply("no idea"), reply("still prose")]) as fake:
        client = build_client(fake_settings(fake.base_url), "reviewer")
        with pytest.raises(LLMBadOutput, match="--model"):
            client.chat_json(MESSAGES, Verdict, "verdict")


def test_a_server_rejecting_json_schema_gets_the_schema_in_the_prompt() -> None:
    rejection = error(400, "response_format of type json_schema is not supported by this model")
    with serve([rejection, reply('```json\n{"verdict": "bad", "score": 9}\n```'), reply('{"verdict": "ok", "score": 0}')]) as fake:
        client = build_client(fake_settings(fake.base_url), "reviewer")
        first, _ = client.chat_json(MESSAGES, Verdict, "verdict")
        second, _ = client.chat_json(MESSAGES, Verdict, "verdict")
    assert (first.verdict, second.verdict) == ("bad", "ok")
    assert "response_format" not in fake.requests[1]
    assert "JSON Schema" in fake.requests[1]["messages"][-1]["content"]
    assert "response_format" not in fake.requests[2], "the client remembers the server cannot do it"


def test_cost_follows_the_configured_price() -> None:
    with serve([reply("hi", prompt_tokens=1_000_000, completion_tokens=500_000)]) as fake:
        settings = fake_settings(fake.base_url, prices={"fake-model": Price(input=0.15, output=0.6)})
        usage = build_client(settings, "coder").chat(MESSAGES).usage
    assert usage.cost == pytest.approx(0.45)


def test_the_key_is_sent_but_never_recorded_or_shown(tmp_path: Path) -> None:
    key = "sk-test-0123456789abcdefghijkl"
    recording = tmp_path / "llm.jsonl"
    with serve([reply("hi")]) as fake:
        settings = fake_settings(fake.base_url, api_key=key)
        client = build_client(settings, "coder", record_to=recording)
        client.chat(MESSAGES)
    assert fake.headers[0]["authorization"] == f"Bearer {key}"
    assert key not in recording.read_text()
    assert "authorization" not in recording.read_text().lower()
    assert key not in repr(client.transport) and key not in repr(settings)
    entry = json.loads(recording.read_text())
    assert entry["request"]["messages"] == MESSAGES
    assert entry["usage"]["prompt_tokens"] == 100


def test_a_local_server_needs_no_key() -> None:
    with serve([reply("hi")]) as fake:
        build_client(fake_settings(fake.base_url), "coder").chat(MESSAGES)
    assert fake.headers[0]["authorization"] == "Bearer not-needed"


def test_missing_configuration_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CYNIC_MODEL", "CYNIC_CODER_MODEL", "CYNIC_REVIEWER_MODEL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(LLMNotConfigured, match="OPENAI_API_KEY"):
        build_client(Settings(model="gpt"), "coder")
    with pytest.raises(LLMNotConfigured, match="--model"):
        build_client(Settings(base_url="http://127.0.0.1:1/v1"), "reviewer")
