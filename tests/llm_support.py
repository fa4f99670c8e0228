"""Shared pieces of the LLM agent tests: a small app in a git repo, and settings for a fake endpoint."""

from __future__ import annotations

import subprocess
from pathlib import Path

from cynic.config import Settings

APP_FILES = {
    "app/main.py": 'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\ndef health() -> dict[str, str]:\n    return {"status": "ok"}\n',
    "app/core/config.py": 'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    project_name: str = "demo"\n',
    ".env": "SECRET_KEY=s3cr3t-value-that-must-not-leak\nPOSTGRES_PASSWORD=hunter2hunter2\n",
}


def make_repo(root: Path, files: dict[str, str] | None = None) -> Path:
    """A committed git repository holding `files` (default: a tiny FastAPI app with a .env)."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in (files or APP_FILES).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git = ["git", "-C", str(root), "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "start"], check=True)
    return root


def fake_settings(base_url: str, **overrides: object) -> Settings:
    """Settings pointing both agents at a fake endpoint, with fast failure."""
    values: dict[str, object] = {"base_url": base_url, "api_key": None, "model": "fake-model", "llm_timeout": 5.0, "llm_max_retries": 2}
    values.update(overrides)
    return Settings(**values)
