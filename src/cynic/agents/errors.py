"""What can go wrong when an agent talks to a model, each with a message that says what to do."""

from __future__ import annotations


class LLMError(Exception):
    """The model could not give a usable answer; the message says why and what to do."""


class LLMNotConfigured(LLMError):
    """No model, key or endpoint is configured."""


class LLMUnavailable(LLMError):
    """The endpoint stayed unreachable, overloaded or failing after every retry."""

    def __init__(self, endpoint: str, problem: str, attempts: int) -> None:
        super().__init__(
            f"the model endpoint {endpoint} is unavailable: {problem} "
            f"(after {attempts} attempt{'s' if attempts != 1 else ''}). "
            "The run is saved; `cynic resume RUN` continues once the endpoint is back."
        )
        self.endpoint = endpoint
        self.problem = problem


class LLMBadOutput(LLMError):
    """The model's answer did not match the requested JSON schema, even after one repair."""


class SchemaRejected(LLMError):
    """The server does not accept `response_format` with a JSON schema; JSON in text is used instead."""


class ReplayMismatch(LLMError):
    """A replayed run asked something the recording did not: the code or the prompts changed."""
