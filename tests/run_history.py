"""A small but complete loop run on disk, as the loop stores it: a git repository whose run
branch holds one commit per round, and the run's state in the LangGraph checkpoint database."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import git

from cynic.models import Waiver

PAYLOAD = (
    "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\"></textarea></style>"
    "\" onmouseover=\"window.pwned=3\" <a href=\"javascript:window.pwned=4\">x</a> {{ 7*7 }} \u202eevil"
)
HOSTILE_FILE = "app/<img src=x onerror=window.pwned=5>.py"
RUN_ID = "20250131-142501-3fa2"

MAIN_BEFORE = '''from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)
'''
MAIN_AFTER = MAIN_BEFORE.replace('["*"]', "settings.cors_origins")
NOTES = '''from fastapi import APIRouter

router = APIRouter()


@router.get("/notes/{note_id}")
def read_note(note_id: int, session: SessionDep):
    note = session.get(Note, note_id)
    return note
'''


def finding(rule: str, name: str, severity: str, path: str, line: int, fingerprint: str, *,
            message: str = "", evidence: str = "", source: str = "rule") -> dict[str, Any]:
    return {
        "rule": rule, "name": name, "severity": severity, "confidence": "high", "cwe": ["CWE-942"],
        "path": path, "line": line, "end_line": line, "message": message or f"{name} here",
        "evidence": evidence, "fix": "Do the safe thing.", "fingerprint": fingerprint, "source": source,
        "whole_file": False,
    }


def waiver(fingerprint: str, rule: str, path: str, *, owner: str = "dana@sec", reason: str = "rate limited at the proxy",
           expires: date = date(2030, 1, 1)) -> Waiver:
    """A waiver of one of the run's findings, as `cynic waive` writes it."""
    return Waiver(fingerprint=fingerprint, rule=rule, path=path, evidence="", owner=owner, reason=reason, expires=expires)


RATE_WAIVER = dict(fingerprint="cccc3333", rule="RATE001", path="app/api/routes/login.py")


def make_run(root: Path, *, status: str = "max_rounds") -> Path:
    """A repository under `root` with run RUN_ID: the starting audit and two coder rounds.
    Round 1 fixes the CORS and IDOR findings and the reviewer opens a new one in the hostile
    file; round 2 fixes that one and the CORS finding comes back. Returns the repository."""
    repo = git.Repo.init(root / "repo", initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "test").set_value("user", "email", "test@example.com")
    work = Path(repo.working_tree_dir)
    _write(work, {"app/main.py": MAIN_BEFORE, "app/api/routes/notes.py": NOTES})
    base = _commit(repo, "base")
    repo.git.checkout("-b", f"cynic/{RUN_ID}")
    _write(work, {"app/main.py": MAIN_AFTER, HOSTILE_FILE: f"# {PAYLOAD}\nsecret = 'x'\n"})
    first = _commit(repo, "cynic round 1")
    _write(work, {"app/main.py": MAIN_BEFORE, HOSTILE_FILE: "secret = settings.secret\n"})
    second = _commit(repo, "cynic round 2")
    repo.git.checkout("main")

    cors = finding("CORS001", "wildcard-cors-origin", "high", "app/main.py", 5, "aaaa1111",
                   evidence='app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)')
    idor = finding("IDOR001", "missing-ownership-check", "critical", "app/api/routes/notes.py", 8, "bbbb2222",
                   evidence="note = session.get(Note, note_id)")
    rate = finding("RATE001", "missing-rate-limit", "medium", "app/api/routes/login.py", 3, "cccc3333",
                   evidence=PAYLOAD)
    llm = finding("LLM-SECRET", "hard-coded-secret", "low", HOSTILE_FILE, 1, "dddd4444",
                  message=PAYLOAD, evidence=PAYLOAD, source="llm")
    usage = {"coder": {"prompt_tokens": 1000, "completion_tokens": 250, "cost": 0.01},
             "reviewer": {"prompt_tokens": 200, "completion_tokens": 50, "cost": 0.002}}
    history = [
        {"round": 0, "commit": base, "files_changed": [], "test": None, "checklist": [idor, cors, rate],
         "fixed": [], "new": [], "unparsed": []},
        {"round": 1, "commit": first, "files_changed": ["app/main.py", HOSTILE_FILE], "coder_summary": PAYLOAD,
         "addressed": ["aaaa1111"], "needs_human": {}, "usage": usage, "checklist": [rate, llm],
         "fixed": ["aaaa1111", "bbbb2222"], "new": ["dddd4444"], "unparsed": [],
         "test": {"command": "pytest -q", "passed": False, "exit_code": 1, "timed_out": False, "seconds": 1.5,
                  "network_isolated": True, "tail": PAYLOAD}},
        {"round": 2, "commit": second, "files_changed": ["app/main.py", HOSTILE_FILE], "coder_summary": "Read the secret from settings.",
         "addressed": ["dddd4444"], "needs_human": {}, "usage": usage, "checklist": [cors, rate],
         "fixed": ["dddd4444"], "new": ["aaaa1111"], "unparsed": [],
         "test": {"command": "pytest -q", "passed": True, "exit_code": 0, "timed_out": False, "seconds": 1.2,
                  "network_isolated": True, "tail": ""}},
    ]
    state = {
        "run_id": RUN_ID, "mode": "implement", "request": f"Add note sharing {PAYLOAD}", "repo": str(work),
        "base_commit": base, "branch": f"cynic/{RUN_ID}", "workspace": str(work / ".git/cynic/worktrees" / RUN_ID),
        "test_cmd": "pytest -q", "limits": {"max_rounds": 2, "max_tokens": None, "max_cost": None},
        "started_at": "2025-01-31T14:25:01+00:00", "notes": [], "round": 2, "checklist": [cors, rate],
        "history": history, "seen_checklists": [], "status": status, "error": None,
    }
    save_state(Path(repo.common_dir) / "cynic", state)
    return work


def save_state(state_dir: Path, state: dict[str, Any]) -> None:
    """Checkpoint `state` as the loop's graph does after a step."""
    from langgraph.checkpoint.base import empty_checkpoint
    from langgraph.checkpoint.sqlite import SqliteSaver

    state_dir.mkdir(parents=True, exist_ok=True)
    checkpoint = empty_checkpoint()
    checkpoint["channel_values"] = state
    with SqliteSaver.from_conn_string(str(state_dir / "runs.sqlite")) as saver:
        config = {"configurable": {"thread_id": state["run_id"], "checkpoint_ns": ""}}
        saver.put(config, checkpoint, {"source": "loop", "step": 1, "parents": {}}, {})


def _write(work: Path, contents: dict[str, str]) -> None:
    for path, text in contents.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text, encoding="utf-8")


def _commit(repo: git.Repo, message: str) -> str:
    repo.git.add("-A")
    repo.index.commit(message)
    return repo.head.commit.hexsha
