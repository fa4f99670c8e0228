"""An OpenAI-compatible chat endpoint on loopback that serves a script of replies.

Tests start it on a free 127.0.0.1 port in a thread and point the real `openai` client at it.
Each request to `/v1/chat/completions` takes the next scripted step; every request body and its
headers are kept in `requests` so tests can check what was sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Step:
    """One scripted answer: a status, a JSON body (or raw text), headers and a delay."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def reply(content: str | None = None, *, tool_calls: list[tuple[str, dict[str, Any]]] | None = None,
          prompt_tokens: int = 100, completion_tokens: int = 20) -> Step:
    """A successful completion: text, or tool calls given as (name, arguments)."""
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        message["tool_calls"] = [
            {"id": f"call_{index}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
            for index, (name, args) in enumerate(tool_calls)
        ]
    return Step(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": "fake-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if tool_calls else "stop"}],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        }
    )


def error(status: int, message: str, *, retry_after: str | None = None) -> Step:
    """An error answer in OpenAI's shape, optionally with a Retry-After header."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Step(status=status, body={"error": {"message": message, "type": "invalid_request_error"}}, headers=headers)


def slow(step: Step, seconds: float) -> Step:
    """The same answer, sent after `seconds`."""
    return Step(status=step.status, body=step.body, headers=step.headers, delay=seconds)


class FakeOpenAI:
    """The server's state: the script still to serve and the requests received."""

    def __init__(self, script: list[Step]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self.base_url = ""

    def next_step(self, body: dict[str, Any], headers: dict[str, str]) -> Step:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if not self.script:
                return error(500, "the fake server's script is exhausted")
            return self.script.pop(0)


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(Step(status=404, body={"error": {"message": f"no route {self.path}"}}))
                return
            step = fake.next_step(body, {k.lower(): v for k, v in self.headers.items()})
            if step.delay:
                time.sleep(step.delay)
            self._send(step)

        def _send(self, step: Step) -> None:
            payload = step.body if isinstance(step.body, str) else json.dumps(step.body)
            data = payload.encode()
            try:
                self.send_response(step.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the access log
            return

    return Handler


@contextmanager
def serve(script: list[Step]) -> Iterator[FakeOpenAI]:
    """Run a fake endpoint on a free loopback port for the duration of the block."""
    fake = FakeOpenAI(script)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
