"""Install the peer tools (semgrep, bandit) into their own virtual environment, bench/.peers/.

The peers are not project dependencies: they live in a throwaway venv that the harness
creates on first use. A peer that cannot be installed is reported with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Peer name -> pip requirement that provides its executable.
REQUIREMENTS = {"semgrep": "semgrep", "bandit": "bandit"}
# Keep the peers offline: without these, `semgrep --version` waits on a network version check.
OFFLINE_ENV = {"SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}


@dataclass(frozen=True)
class Peer:
    """An installed peer executable, or the reason it is unavailable."""

    name: str
    executable: Path | None
    version: str
    reason: str | None = None


def _version(executable: Path) -> str:
    env = {**os.environ, **OFFLINE_ENV}
    out = subprocess.run([str(executable), "--version"], capture_output=True, text=True, timeout=120, env=env)
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def _install(venv: Path, requirements: list[str], log: Path) -> str | None:
    """Create the venv if needed and pip-install `requirements`; return an error or None."""
    steps = []
    if not (venv / "bin" / "python").exists():
        steps.append([sys.executable, "-m", "venv", str(venv)])
    steps.append([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements])
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as sink:
        for argv in steps:
            try:
                done = subprocess.run(argv, stdout=sink, stderr=subprocess.STDOUT, timeout=1800)
            except (OSError, subprocess.TimeoutExpired) as exc:
                return f"`{' '.join(argv[1:4])}` failed: {exc}"
            if done.returncode:
                return f"`{' '.join(argv[1:4])}` exited {done.returncode}; see {log}"
    return None


def ensure_peers(venv: Path, names: list[str]) -> dict[str, Peer]:
    """Return every requested peer, installing the missing ones into `venv` first."""
    unknown = [n for n in names if n not in REQUIREMENTS]
    missing = [n for n in names if n in REQUIREMENTS and not (venv / "bin" / n).exists()]
    error = _install(venv, [REQUIREMENTS[n] for n in missing], venv / "install.log") if missing else None
    peers = {n: Peer(n, None, "-", f"unknown peer (known: {', '.join(REQUIREMENTS)})") for n in unknown}
    for name in names:
        if name in unknown:
            continue
        executable = venv / "bin" / name
        if executable.exists():
            peers[name] = Peer(name, executable, _version(executable))
        else:
            peers[name] = Peer(name, None, "-", error or f"{executable} missing after install")
    return peers
