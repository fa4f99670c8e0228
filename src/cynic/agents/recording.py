"""Record every model exchange to JSONL, and replay a recording without any endpoint.

One line per exchange: the agent, the request (model, messages, tools, response format; never
a key or a header), the response or the server's rejection, the seconds it took and its usage.
Replaying serves each agent's responses in order and refuses a request that differs from the
recorded one (model and messages), so a reproduced run is the same run or a clear error.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cynic.agents.base import Usage
from cynic.agents.errors import LLMError, ReplayMismatch, SchemaRejected

_RECORDED_REQUEST_KEYS = ("model", "messages", "tools", "response_format")


_DURATION = re.compile(r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|secs|seconds)\b")


def request_hash(payload: dict[str, Any]) -> str:
    """What identifies a request: its model and its messages, with durations (a test runner's
    "1 passed in 0.03s") folded, since a replayed run's tests never take exactly as long."""
    canonical = json.dumps({"model": payload.get("model"), "messages": payload.get("messages")}, sort_keys=True)
    return hashlib.sha256(_DURATION.sub("<duration>", canonical).encode()).hexdigest()


class Recorder:
    """Appends exchanges to one JSONL file; the coder and the reviewer may share it."""

    _lock = threading.Lock()

    def __init__(self, path: Path, agent: str) -> None:
        self.path = path
        self.agent = agent

    def record(
        self,
        payload: dict[str, Any],
        *,
        seconds: float,
        response: dict[str, Any] | None = None,
        rejection: str | None = None,
        usage: Usage | None = None,
    ) -> None:
        entry: dict[str, Any] = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "agent": self.agent,
            "request": {key: payload[key] for key in _RECORDED_REQUEST_KEYS if key in payload},
            "request_hash": request_hash(payload),
            "seconds": round(seconds, 3),
        }
        if rejection is not None:
            entry["rejected"] = rejection
        else:
            entry["response"] = response
            entry["usage"] = vars(usage) if usage else None
        line = json.dumps(entry, ensure_ascii=False)
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(line + "\n")


class ReplayTransport:
    """Serves the recorded responses of one agent, in order, checking each request."""

    def __init__(self, path: Path, agent: str) -> None:
        self.endpoint = f"the recording {path}"
        self.path = path
        self.agent = agent
        self._entries = [entry for entry in _read(path) if entry.get("agent") == agent]
        self._next = 0

    @property
    def model(self) -> str | None:
        """The model the recording used, for replays that name none."""
        return self._entries[0]["request"].get("model") if self._entries else None

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        number = self._next + 1
        if self._next >= len(self._entries):
            raise ReplayMismatch(
                f"the {self.agent} asked a question number {number} but {self.path} holds only "
                f"{len(self._entries)} for it: the run went further than the recorded one. "
                "Replay the recording with the same code, rulebook and settings, or record a new run."
            )
        entry = self._entries[self._next]
        self._next += 1
        if entry["request_hash"] != request_hash(payload):
            raise ReplayMismatch(
                f"request {number} of the {self.agent} differs from {self.path}: {_difference(entry['request'], payload)}. "
                "The code, prompts, rulebook or model changed since it was recorded; record a new run."
            )
        if "rejected" in entry:
            raise SchemaRejected(entry["rejected"])
        return entry["response"]


def _read(path: Path) -> list[dict[str, Any]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise LLMError(f"cannot read the recording {path}: {error.strerror or error}. Give an llm.jsonl file.") from None
    try:
        return [json.loads(line) for line in lines if line.strip()]
    except json.JSONDecodeError as error:
        raise LLMError(f"{path} is not a cynic recording (line {error.lineno}: {error.msg}).") from None


def _difference(recorded: dict[str, Any], payload: dict[str, Any]) -> str:
    if recorded.get("model") != payload.get("model"):
        return f"model {payload.get('model')!r}, recorded {recorded.get('model')!r}"
    old, new = recorded.get("messages", []), payload.get("messages", [])
    for index, (before, after) in enumerate(zip(old, new, strict=False)):
        if before != after:
            return f"message {index + 1} ({after.get('role', '?')}) changed"
    return f"{len(new)} messages, recorded {len(old)}"
