"""One Settings object: the LLM endpoint, the models, the loop's budgets, the sandbox.

Precedence, highest first: command-line flags, environment variables, `.cynic.toml`, the
`[tool.cynic]` table of the target's `pyproject.toml`, defaults.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    @property
    def llm_configured(self) -> bool:
        return bool(self.model and (self.base_url or self.api_key))


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
    from_env = Settings()
    merged = {**from_files, **from_env.model_dump(exclude_unset=True), **{k: v for k, v in overrides.items() if v is not None}}
    return Settings(**merged)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"cannot read {path}: {error}. Fix the file or remove it.") from None


class ConfigError(Exception):
    """A configuration file is unreadable or invalid."""
