"""One Settings object: the LLM endpoint, the models, the loop's budgets, the sandbox.

Precedence, highest first: command-line flags, environment variables, `.cynic.toml`, the
`[tool.cynic]` table of the target's `pyproject.toml`, defaults.

The API key is never read from a file: a key committed in a config file is itself a leaked
secret (SEC001). A file may name the environment variable that holds it (`api_key_env`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Price(BaseModel):
    """What a model costs, in currency units per million tokens."""

    input: float
    output: float


class Settings(BaseSettings):
    """Runtime configuration; never part of a run's recorded state (the key especially)."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    api_key: SecretStr | None = Field(default=None, validation_alias=AliasChoices("OPENAI_API_KEY", "api_key"))
    base_url: str | None = Field(default=None, validation_alias=AliasChoices("OPENAI_BASE_URL", "base_url"))
    model: str | None = Field(default=None, validation_alias=AliasChoices("CYNIC_MODEL", "model"))
    coder_model: str | None = Field(default=None, validation_alias=AliasChoices("CYNIC_CODER_MODEL", "coder_model"))
    reviewer_model: str | None = Field(
        default=None, validation_alias=AliasChoices("CYNIC_REVIEWER_MODEL", "reviewer_model")
    )
    test_cmd: str | None = Field(default=None, validation_alias=AliasChoices("CYNIC_TEST_CMD", "test_cmd"))
    test_timeout: float = 600.0
    max_rounds: int = 5
    max_tokens: int | None = None
    max_cost: float | None = None
    state_dir: Path | None = Field(default=None, validation_alias=AliasChoices("CYNIC_STATE_DIR", "state_dir"))
    rulebook: Path | None = None
    api_key_env: str | None = None  # the environment variable holding the key, when not OPENAI_API_KEY
    llm_timeout: float = 120.0  # seconds for one request
    llm_max_retries: int = 5  # retries on 429, 5xx, timeouts and connection errors
    llm_max_wait: float = 300.0  # seconds, all backoff sleeps of one request together
    coder_max_tool_calls: int = 60  # per round
    coder_max_round_tokens: int = 400_000  # prompt + completion tokens per round
    reviewer_max_code_tokens: int = 24_000  # the diff and files shown to the reviewer
    prices: dict[str, Price] = Field(default_factory=dict)
    replay: Path | None = None  # serve LLM answers from this recording instead of an endpoint

    @property
    def llm_configured(self) -> bool:
        return bool(self.replay or (self.model and (self.base_url or self.api_key)))

    def model_for(self, agent: str) -> str | None:
        """The model the `agent` ("coder" or "reviewer") uses: its own, else the shared one."""
        own = self.coder_model if agent == "coder" else self.reviewer_model
        return own or self.model


def file_settings(root: Path) -> dict[str, Any]:
    """Settings from `.cynic.toml` (wins) and `[tool.cynic]` in `pyproject.toml` under `root`."""
    values: dict[str, Any] = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        values.update(_read_toml(pyproject).get("tool", {}).get("cynic", {}))
    dedicated = root / ".cynic.toml"
    if dedicated.is_file():
        values.update(_read_toml(dedicated))
    return {key.replace("-", "_"): value for key, value in values.items()}


def load_settings(root: Path, **overrides: Any) -> Settings:
    """Settings for a project at `root`; `overrides` are command-line flags (None means unset)."""
    from_files = file_settings(root)
    if "api_key" in from_files:
        raise ConfigError(
            "an API key is written in the project's configuration file; a committed key is a leaked secret. "
            "Delete it, rotate the key, and set OPENAI_API_KEY (or api_key_env = \"VARIABLE_NAME\") instead."
        )
    from_env = Settings()
    merged = {**from_files, **from_env.model_dump(exclude_unset=True), **{k: v for k, v in overrides.items() if v is not None}}
    key_variable = merged.get("api_key_env")
    if key_variable and "api_key" not in overrides and os.environ.get(key_variable):
        merged["api_key"] = os.environ[key_variable]
    return Settings(**merged)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}. Fix the file or remove it.") from None


class ConfigError(Exception):
    """A configuration file is unreadable or invalid."""
