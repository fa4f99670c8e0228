"""Pieces of the `cynic implement` end-to-end tests: a small FastAPI app that audits clean, the
scripted model turns that build a search route on it, and a way to run the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import git
from typer.testing import CliRunner, Result

from cynic.cli import app
from cynic.workflows.run import list_runs
from tests.fake_openai import Step, reply

PROMPT = "Add GET /items/search?q= that finds items by title."
MAIN = '''from fastapi import FastAPI
from slowapi import Limiter
from slowapi.middleware import SlowAPIMiddleware
from slowapi.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])
app = FastAPI()
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)
'''
DB = 'from sqlalchemy import create_engine\n\nengine = create_engine("sqlite:///./items.db")\n'
TESTS = '''def test_health():
    assert 1 + 1 == 2


def test_search_is_parameterised():
    assert "%" not in "title = :q"
'''
APP = {
    "app/__init__.py": "",
    "app/api/__init__.py": "",
    "app/api/routes/__init__.py": "",
    "app/main.py": MAIN,
    "app/db.py": DB,
    "tests/test_items.py": TESTS,
    ".cynic.toml": "llm_max_retries = 0  # the fake endpoint fails at once, no backoff to wait for\n",
}
ROUTE_PATH = "app/api/routes/items.py"
RAW_SQL = "rows = connection.execute(text(f\"SELECT id, title FROM item WHERE title = '{q}'\")).all()"
BOUND_SQL = 'rows = connection.execute(text("SELECT id, title FROM item WHERE title = :q"), {"q": q}).all()'
ROUTE = f'''from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from app.db import engine

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/search")
def search_items(q: str) -> Any:
    with engine.connect() as connection:
        {RAW_SQL}
    return [dict(row._mapping) for row in rows]
'''
INCLUDE_ROUTER = {"path": "app/main.py", "old": "app.add_middleware(SlowAPIMiddleware)\n",
                  "new": "app.add_middleware(SlowAPIMiddleware)\napp.include_router(items.router)\n"}
IMPORT_ROUTER = {"path": "app/main.py", "old": "from slowapi.util import get_remote_address\n",
                 "new": "from slowapi.util import get_remote_address\n\nfrom app.api.routes import items\n"}
runner = CliRunner()


def done(summary: str) -> Step:
    """The coder's last turn: an answer without a tool call, ending with the JSON block."""
    return reply(f'{summary}\n```json\n{{"summary": "{summary}", "addressed": [], "needs_human": []}}\n```')


def findings(*items: dict[str, Any]) -> Step:
    """The reviewer's answer in the JSON schema."""
    return reply(json.dumps({"findings": list(items)}))


def feature_round(route: str = ROUTE) -> list[Step]:
    """Round 1: look around, write the route, wire it in, finish."""
    return [
        reply(tool_calls=[("list_files", {"path": "."}), ("read_file", {"path": "app/main.py"})]),
        reply(tool_calls=[("write_file", {"path": ROUTE_PATH, "content": route}),
                          ("replace_in_file", IMPORT_ROUTER), ("replace_in_file", INCLUDE_ROUTER)]),
        done("Added the search route."),
    ]


def hardening_round() -> list[Step]:
    """Round 2: read the flagged line and bind the parameter."""
    return [
        reply(tool_calls=[("search_code", {"pattern": "SELECT"})]),
        reply(tool_calls=[("replace_in_file", {"path": ROUTE_PATH, "old": RAW_SQL, "new": BOUND_SQL})]),
        done("Bound the search parameter."),
    ]


def implement(repo: Path, *flags: str, base_url: str | None = None) -> Result:
    endpoint = ["--base-url", base_url, "--model", "fake-model"] if base_url else []
    return runner.invoke(app, ["implement", PROMPT, str(repo), *endpoint, "--quiet", *flags])


def latest_run(repo: Path) -> dict[str, Any]:
    return dict(list_runs(repo / ".git" / "cynic")[0])


def branch_commits(repo: Path, state: dict[str, Any]) -> list[str]:
    """The run's commits, oldest first."""
    log = git.Repo(repo).git.log("--reverse", "--format=%H", f"{state['base_commit']}..{state['branch']}")
    return log.splitlines()


def rules(record: dict[str, Any]) -> list[str]:
    return sorted(item["rule"] for item in record["checklist"])
