"""One client for any OpenAI-compatible Chat Completions endpoint (the only importer of `openai`).

`build_client(settings, agent)` gives a `ChatClient` with:
- `chat(messages, tools)`: one completion, with function tools;
- `chat_json(messages, schema)`: an answer validated against a pydantic model, through
  `response_format={"type": "json_schema", ...}`, or JSON in text (schema in the prompt) where
  the server rejects that, with one repair attempt either way.

The transport retries 429, 5xx, timeouts and connection errors with exponential backoff,
honouring `Retry-After`, within `llm_max_wait` seconds of sleeping in all, then raises
`LLMUnavailable`. The key goes to the SDK and nowhere else: never printed, logged or recorded.

Azure OpenAI works through the same path: `base_url = "https://RESOURCE.openai.azure.com/openai/v1/"`,
the Azure key in `OPENAI_API_KEY`, and the deployment name as the model.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from cynic.agents.base import Usage
from cynic.agents.errors import LLMBadOutput, LLMError, LLMNotConfigured, LLMUnavailable, SchemaRejected
from cynic.agents.recording import Recorder, ReplayTransport
from cynic.config import Price, Settings

Schema = TypeVar("Schema", bound=BaseModel)
Message = dict[str, Any]
DEFAULT_ENDPOINT = "https://api.openai.com/v1"
LOCAL_PLACEHOLDER_KEY = "not-needed"
_BACKOFF_FIRST = 1.0
_BACKOFF_CAP = 60.0
_RETRIED_STATUSES = (408, 409, 429)  # with every 5xx: the request may succeed if sent again


class Transport(Protocol):
    """Sends one Chat Completions request body and returns the response body."""

    endpoint: str

    def send(self, payload: dict[str, Any]) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, as the model wrote it


@dataclass
class ChatReply:
    """One assistant turn: its text, its tool calls, the message to append, and its cost."""

    content: str | None
    tool_calls: list[ToolCall]
    message: Message
    usage: Usage = field(default_factory=Usage)


class OpenAITransport:
    """The real endpoint, through the `openai` SDK with its own retries switched off."""

    def __init__(
        self,
        *,
        base_url: str | None,
        api_key: str,
        timeout: float,
        max_retries: int,
        max_wait: float,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = base_url or DEFAULT_ENDPOINT
        self._api_key = api_key
        self._timeout = timeout
        self._max_retries = max_retries
        self._max_wait = max_wait
        self._sleep = sleep
        self._client: Any = None

    def __repr__(self) -> str:  # never show the key
        return f"OpenAITransport(endpoint={self.endpoint!r})"

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        import openai

        if self._client is None:
            self._client = openai.OpenAI(
                base_url=self.endpoint, api_key=self._api_key, timeout=self._timeout, max_retries=0
            )
        waited, attempt = 0.0, 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                raw = self._client.chat.completions.with_raw_response.create(**payload)
                return _json_body(raw.http_response, self.endpoint)
            except openai.APITimeoutError:
                problem = f"no answer within {self._timeout:g} s"
            except openai.APIConnectionError as error:
                problem = f"cannot connect ({error.__cause__ or error})"
            except openai.APIStatusError as error:
                if error.status_code not in _RETRIED_STATUSES and error.status_code < 500:
                    raise _refusal(error, payload, self.endpoint) from None
                problem = f"HTTP {error.status_code}: {error.message}"
                retry_after = _retry_after(error.response.headers)
            delay = retry_after if retry_after is not None else min(_BACKOFF_CAP, _BACKOFF_FIRST * 2 ** (attempt - 1))
            if attempt > self._max_retries:
                raise LLMUnavailable(self.endpoint, problem, attempt)
            if waited + delay > self._max_wait:
                raise LLMUnavailable(
                    self.endpoint, f"{problem}; waiting {delay:g} s more would pass llm_max_wait ({self._max_wait:g} s)", attempt
                )
            self._sleep(delay)
            waited += delay


class ChatClient:
    """Completions for one agent, with usage and cost, each exchange recorded when asked."""

    def __init__(
        self, transport: Transport, *, model: str, agent: str, price: Price | None = None, recorder: Recorder | None = None
    ) -> None:
        self.transport = transport
        self.model = model
        self.agent = agent
        self.price = price
        self.recorder = recorder
        self.schema_supported = True

    @property
    def endpoint(self) -> str:
        return self.transport.endpoint

    def chat(self, messages: list[Message], tools: list[dict[str, Any]] | None = None) -> ChatReply:
        """One completion; the reply's `tool_calls` is empty when the model answered in text."""
        payload: dict[str, Any] = {"model": self.model, "messages": messages}
        if tools:
            payload["tools"] = tools
        return self._exchange(payload)

    def chat_json(self, messages: list[Message], schema: type[Schema], name: str) -> tuple[Schema, Usage]:
        """An answer validated against `schema`, with one repair attempt."""
        usage = Usage()
        json_schema = schema.model_json_schema()
        reply: ChatReply | None = None
        if self.schema_supported:
            payload = {
                "model": self.model,
                "messages": messages,
                "response_format": {"type": "json_schema", "json_schema": {"name": name, "schema": json_schema}},
            }
            try:
                reply = self._exchange(payload)
            except SchemaRejected:
                self.schema_supported = False
        if reply is None:
            messages = [*messages, {"role": "user", "content": _schema_instruction(json_schema)}]
            reply = self.chat(messages)
        usage.add(reply.usage)
        try:
            return _validate(schema, reply.content), usage
        except ValidationError as problem:
            repair = [
                *messages,
                {"role": "assistant", "content": reply.content or ""},
                {"role": "user", "content": _repair_instruction(problem, json_schema)},
            ]
            second = self.chat(repair)
            usage.add(second.usage)
            try:
                return _validate(schema, second.content), usage
            except ValidationError as again:
                raise LLMBadOutput(
                    f"the model {self.model} at {self.endpoint} did not answer with valid {name} JSON, even after a "
                    f"repair request ({again.error_count()} errors). Try a stronger model with --model."
                ) from None

    def _exchange(self, payload: dict[str, Any]) -> ChatReply:
        started = time.monotonic()
        try:
            body = self.transport.send(payload)
        except SchemaRejected as rejection:
            if self.recorder:
                self.recorder.record(payload, seconds=time.monotonic() - started, rejection=str(rejection))
            raise
        reply = _reply_of(body, self.endpoint)
        reply.usage = self._usage(body.get("usage") or {})
        if self.recorder:
            self.recorder.record(payload, seconds=time.monotonic() - started, response=body, usage=reply.usage)
        return reply

    def _usage(self, reported: dict[str, Any]) -> Usage:
        prompt, completion = int(reported.get("prompt_tokens") or 0), int(reported.get("completion_tokens") or 0)
        cost = (prompt * self.price.input + completion * self.price.output) / 1_000_000 if self.price else 0.0
        return Usage(prompt_tokens=prompt, completion_tokens=completion, cost=cost)


def build_client(
    settings: Settings, agent: str, *, record_to: Path | None = None, sleep: Callable[[float], None] = time.sleep
) -> ChatClient:
    """The client for `agent` ("coder" or "reviewer"): replayed, or the configured endpoint."""
    recorder = Recorder(record_to, agent) if record_to else None
    model = settings.model_for(agent)
    transport: Transport
    if settings.replay:
        replay = ReplayTransport(settings.replay, agent)
        transport, model = replay, model or replay.model
    else:
        key = settings.api_key.get_secret_value() if settings.api_key else None
        if not key and not settings.base_url:
            raise LLMNotConfigured(
                "no API key: set OPENAI_API_KEY (or api_key_env in .cynic.toml), "
                "or point --base-url / OPENAI_BASE_URL at a local OpenAI-compatible server."
            )
        transport = OpenAITransport(
            base_url=settings.base_url,
            api_key=key or LOCAL_PLACEHOLDER_KEY,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            max_wait=settings.llm_max_wait,
            sleep=sleep,
        )
    if not model:
        raise LLMNotConfigured(f"no model for the {agent}: pass --model or set CYNIC_MODEL (or CYNIC_{agent.upper()}_MODEL).")
    return ChatClient(transport, model=model, agent=agent, price=settings.prices.get(model), recorder=recorder)


def _json_body(response: Any, endpoint: str) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        raise LLMError(f"{endpoint} answered with something other than JSON; is --base-url an OpenAI-compatible /v1 endpoint?") from None
    if not isinstance(body, dict) or not body.get("choices"):
        raise LLMError(f"{endpoint} answered without any choice; is --base-url an OpenAI-compatible /v1 endpoint?")
    return body


def _refusal(error: Any, payload: dict[str, Any], endpoint: str) -> LLMError:
    """The error for a 4xx other than 429: the request itself is refused, so retrying cannot help."""
    message = str(error.message)
    lowered = message.lower()
    if "response_format" in payload and error.status_code in (400, 422) and any(
        word in lowered for word in ("response_format", "json_schema", "response format", "structured output")
    ):
        return SchemaRejected(message)
    if error.status_code in (401, 403):
        return LLMError(f"{endpoint} refused the API key (HTTP {error.status_code}). Check OPENAI_API_KEY or api_key_env.")
    if error.status_code == 404:
        return LLMError(f"{endpoint} does not know the model {payload.get('model')!r} (HTTP 404). Check --model and --base-url.")
    return LLMError(f"{endpoint} refused the request (HTTP {error.status_code}: {message}).")


def _retry_after(headers: Any) -> float | None:
    """Seconds the server asked us to wait (`retry-after-ms`, `retry-after` seconds or date)."""
    if value := headers.get("retry-after-ms"):
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def _reply_of(body: dict[str, Any], endpoint: str) -> ChatReply:
    message = body["choices"][0].get("message") or {}
    calls = [
        ToolCall(id=call.get("id") or f"call_{index}", name=call["function"]["name"], arguments=call["function"].get("arguments") or "{}")
        for index, call in enumerate(message.get("tool_calls") or [])
        if call.get("function", {}).get("name")
    ]
    kept: Message = {"role": "assistant", "content": message.get("content")}
    if calls:
        kept["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}} for call in calls
        ]
    return ChatReply(content=message.get("content"), tool_calls=calls, message=kept)


def _validate(schema: type[Schema], content: str | None) -> Schema:
    text = (content or "").strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[-1].rsplit("```", 1)[0]
    start, end = text.find("{"), text.rfind("}")
    return schema.model_validate_json(text[start : end + 1] if start != -1 and end > start else text)


def _schema_instruction(json_schema: dict[str, Any]) -> str:
    return (
        "Answer with one JSON object only, no prose and no code fence, valid against this JSON Schema:\n"
        + json.dumps(json_schema, separators=(",", ":"))
    )


def _repair_instruction(problem: ValidationError, json_schema: dict[str, Any]) -> str:
    errors = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'document'}: {e['msg']}" for e in problem.errors()[:5])
    return f"That answer is not valid ({errors}). " + _schema_instruction(json_schema)
