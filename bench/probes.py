"""The commands the harness times: cynic (warm, cold, one file changed), the peers, the floor."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from floor import iter_sources
from measure import Probe
from peers import OFFLINE_ENV, Peer

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


def main_checkout() -> Path:
    """The repository's main checkout (not a linked worktree); REPO itself outside git."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--path-format=absolute", "--git-common-dir"],
            capture_output=True, text=True, timeout=30, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return REPO
    return Path(out.stdout.strip()).parent


@dataclass(frozen=True)
class Cynic:
    """How to start cynic, and what its `audit --help` says it supports."""

    argv: list[str]
    env: dict[str, str]
    version: str
    audit_help: str
    reason: str | None

    def supports(self, flag: str) -> bool:
        """Whether `cynic audit --help` mentions `flag`."""
        return flag in self.audit_help


def detect_cynic(cache_home: Path) -> Cynic:
    """Probe `python -m cynic` (with the checkout's src/ on the path) without assuming any flag.

    The checkout's sources are byte-compiled first, as `pip install` does for an installed
    package: where PYTHONDONTWRITEBYTECODE is set, every timed run would otherwise spend
    start-up recompiling cynic's own modules, a cost no installed copy pays."""
    argv = [sys.executable, "-m", "cynic"]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "src")], capture_output=True, timeout=300)
    path = os.pathsep.join(p for p in (str(REPO / "src"), os.environ.get("PYTHONPATH", "")) if p)
    env = {"PYTHONPATH": path, "XDG_CACHE_HOME": str(cache_home), "NO_COLOR": "1"}
    run_env = {**os.environ, **env}

    def ask(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*argv, *args], capture_output=True, text=True, env=run_env, timeout=300)

    helped = ask("audit", "--help")
    if helped.returncode:
        tail = (helped.stderr or helped.stdout).strip().splitlines()
        return Cynic(argv, env, "-", "", tail[-1] if tail else f"exit {helped.returncode}")
    version = ask("--version")
    return Cynic(argv, env, version.stdout.strip() or "unknown", helped.stdout, None)


def _json_summary(path: Path, count: Callable[[object], str]) -> Callable[[], str]:
    def summarize() -> str:
        try:
            return count(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return f"output not summarised ({type(exc).__name__})"

    return summarize


def _count_semgrep(data: object) -> str:
    assert isinstance(data, dict)
    return f"{len(data['paths']['scanned'])} files scanned, {len(data['results'])} findings, {len(data['errors'])} errors"


def _count_bandit(data: object) -> str:
    assert isinstance(data, dict)
    files = len(data["metrics"]) - 1
    return f"{files} files scanned, {len(data['results'])} findings, {len(data['errors'])} errors"


def _count_cynic(data: object) -> str:
    findings = data.get("findings") if isinstance(data, dict) else data
    return f"{len(findings)} findings" if isinstance(findings, list) else "findings not counted"


def _with_output(argv: list[str], output: Path) -> list[str]:
    """`argv` with its `/dev/null` output target replaced by `output` (for the warm-up run)."""
    return [str(output) if arg == "/dev/null" else arg for arg in argv]


def _clear(*dirs: Path) -> None:
    for folder in dirs:
        shutil.rmtree(folder, ignore_errors=True)


def _append_comment(original: bytes, index: int) -> bytes:
    """A comment at the end: the file is analysed again, but what the project rules read is unchanged."""
    return original + f"\n# bench edit {index}\n".encode()


def _add_function(original: bytes, index: int) -> bytes:
    """A new function at the top, named afresh on every run: every line below moves and the file's
    facts change, so the project rules run again over the whole project."""
    name = f"bench_edit_{index}_{time.time_ns()}"
    return f"def {name}() -> int:\n    return {index}\n\n\n".encode() + original


def _editor(tree: Path, edit: Callable[[bytes, int], bytes], audit: Callable[[], object], marker: bytes = b"") -> tuple[Callable[[int], None], Callable[[], None]]:
    """A (touch, restore) pair that makes `edit` to the first non-empty Python file containing
    `marker`. Before each edit the file is restored and `audit` runs untimed, so that every timed
    run sees that one edit against an audit of the original tree, not against the last run's edit."""
    target = next((p for p in iter_sources(tree) if p.suffix == ".py" and p.stat().st_size and marker in p.read_bytes()), None)
    if target is None:
        return (lambda _i: None), (lambda: None)
    original = target.read_bytes()

    def touch(index: int) -> None:
        target.write_bytes(original)
        audit()
        target.write_bytes(edit(original, index))

    def restore() -> None:
        target.write_bytes(original)

    return touch, restore


def cynic_probes(cynic: Cynic, tree: Path, scratch: Path) -> list[Probe]:
    """Cynic audit warm (unchanged tree), cold (no cache), and warm after one file changed: by a
    comment, or by a new function (which changes what the project rules read)."""
    names = ("cynic audit (warm)", "cynic audit (cold)", "cynic audit (1 file changed)", "cynic audit (1 function added)")
    if cynic.reason:
        return [Probe(n, [], unavailable=cynic.reason) for n in names]
    argv = [*cynic.argv, "audit", str(tree)]
    argv += ["--format", "json"] if cynic.supports("--format") else []
    argv += ["--output", "/dev/null"] if cynic.supports("--output") else []
    # The cold row has a cache home of its own: clearing it never cools the other rows' cache.
    cold_cache = scratch / "xdg-cache-cold"
    cold_env = {**cynic.env, "XDG_CACHE_HOME": str(cold_cache)}
    cold_argv = argv + (["--no-cache"] if cynic.supports("--no-cache") else [])
    def audit_untimed() -> object:
        return subprocess.run(argv, env=cynic.env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)

    touch, restore = _editor(tree, _append_comment, audit_untimed)
    add, remove = _editor(tree, _add_function, audit_untimed, marker=b"\ndef ")
    report = scratch / "cynic.json"
    summary = _json_summary(report, _count_cynic)
    return [
        # Audited untimed before each run: the rows before it in the round may have edited the tree.
        Probe(names[0], argv, cynic.env, prepare=lambda _i: audit_untimed(), warmup_argv=_with_output(argv, report), summarize=summary),
        Probe(names[1], cold_argv, cold_env, prepare=lambda _i: _clear(tree / ".cynic-cache", cold_cache)),
        Probe(names[2], argv, cynic.env, prepare=touch, restore=restore),
        Probe(names[3], argv, cynic.env, prepare=add, restore=remove),
    ]


def peer_probes(peers: dict[str, Peer], tree: Path, rules: Path, scratch: Path, generated: bool) -> list[Probe]:
    """semgrep with the shared peer rules, and bandit, each writing JSON to /dev/null."""
    probes = []
    for name, peer in sorted(peers.items()):
        if peer.executable is None:
            probes.append(Probe(name, [], unavailable=peer.reason))
            continue
        if name == "semgrep":
            argv = [str(peer.executable), "scan", "--config", str(rules), "--metrics=off",
                    "--disable-version-check", "--json", "--output", "/dev/null"]
            # A generated corpus lives in a git-ignored folder; make semgrep scan it anyway.
            argv += ["--no-git-ignore"] if generated else []
            argv.append(str(tree))
            count = _count_semgrep
        else:
            argv = [str(peer.executable), "-r", str(tree), "-f", "json", "-o", "/dev/null", "-q"]
            count = _count_bandit
        report = scratch / f"{name}.json"
        probes.append(Probe(name, argv, OFFLINE_ENV, warmup_argv=_with_output(argv, report), summarize=_json_summary(report, count)))
    return probes


def floor_probe(tree: Path) -> Probe:
    """The parse-only floor: ast + tree-sitter over every source file, one process."""
    return Probe("parse-only floor", [sys.executable, str(BENCH / "floor.py"), str(tree)])


def startup_probes(cynic: Cynic) -> list[Probe]:
    """Interpreter start-up as a baseline, then `cynic --version` and `cynic --help`."""
    baseline = Probe("python -c pass (baseline)", [sys.executable, "-c", "pass"])
    names = ("cynic --version", "cynic --help")
    if cynic.reason:
        return [baseline, *(Probe(n, [], unavailable=cynic.reason) for n in names)]
    return [baseline, *(Probe(n, [*cynic.argv, n.split()[1]], cynic.env) for n in names)]
