"""Run the target's own commands (its tests) in the workspace: a timeout, resource limits, an
environment without credentials, and no network where the machine allows it."""

from __future__ import annotations

import functools
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_SECRET_NAME = re.compile(
    r"(_KEY|_KEYS|_TOKEN|_SECRET|_PASSWORD|_PASSWD|_PASS|_PWD|_CREDENTIALS?|_AUTH)$"
    r"|^(AWS|GITHUB|GH|GITLAB|GOOGLE|GCP|AZURE|OPENAI|ANTHROPIC|CYNIC|HF|HUGGINGFACE|NPM|PYPI|TWINE|DOCKER|VAULT)_"
    r"|SECRET|TOKEN|PASSWORD|APIKEY|API_KEY"
    r"|^(SSH_AUTH_SOCK|GPG_AGENT_INFO|KUBECONFIG|NETRC)$",
    re.I,
)
_URL_WITH_PASSWORD = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


@dataclass(frozen=True)
class Limits:
    """Resource ceilings for a command and its children."""

    timeout: float = 600.0  # wall-clock seconds, then the whole process group is killed
    cpu_seconds: int = 900
    address_space: int = 16 * 1024**3  # generous: JavaScript engines reserve large virtual ranges
    file_size: int = 1024**3
    processes: int = 1024


@dataclass(frozen=True)
class CommandResult:
    """How a command ended and what it printed (stdout and stderr interleaved)."""

    command: str
    exit_code: int | None  # None when it was killed for running past the timeout
    output: str
    seconds: float
    timed_out: bool
    network_isolated: bool

    @property
    def passed(self) -> bool:
        return self.exit_code == 0 and not self.timed_out

    def tail(self, max_chars: int = 4000) -> str:
        """The end of the output, where test runners print their summary."""
        text = self.output if len(self.output) <= max_chars else "…" + self.output[-max_chars:]
        if self.timed_out:
            text += f"\n[cynic: the command was killed after running longer than its timeout ({self.seconds:.0f}s)]"
        return text


def scrubbed_environment(environ: Mapping[str, str], tmpdir: Path) -> dict[str, str]:
    """`environ` without credentials (names that look secret, URLs carrying a password), with a
    fresh TMPDIR; PATH, HOME, LANG and ordinary settings are kept so the tests still run."""
    kept = {
        name: value
        for name, value in environ.items()
        if not _SECRET_NAME.search(name) and not _URL_WITH_PASSWORD.search(value)
    }
    kept.setdefault("PATH", os.defpath)
    kept.update(TMPDIR=str(tmpdir), TEMP=str(tmpdir), TMP=str(tmpdir))
    return kept


@functools.cache
def network_isolation_prefix() -> tuple[str, ...]:
    """`unshare -rn` (a user namespace with no network) when it works on this machine, else ()."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return (unshare, "-rn", "--") if probe.returncode == 0 else ()


def run_command(command: str, cwd: Path, limits: Limits = Limits(), *, isolate_network: bool = True) -> CommandResult:
    """Run `command` with the shell in `cwd`, confined as described in the module docstring."""
    prefix = network_isolation_prefix() if isolate_network else ()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cynic-tmp-") as tmp:
        process = subprocess.Popen(
            [*prefix, "/bin/sh", "-c", command],
            cwd=cwd,
            env=scrubbed_environment(os.environ, Path(tmp)),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a timeout kills every child
            preexec_fn=functools.partial(_apply_limits, limits),
        )
        timed_out = False
        try:
            raw, _ = process.communicate(timeout=limits.timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
            raw, _ = process.communicate()
    return CommandResult(
        command=command,
        exit_code=None if timed_out else process.returncode,
        output=raw.decode("utf-8", errors="replace"),
        seconds=time.perf_counter() - started,
        timed_out=timed_out,
        network_isolated=bool(prefix),
    )


def _apply_limits(limits: Limits) -> None:
    """Runs in the child between fork and exec."""
    for kind, value in (
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_AS, limits.address_space),
        (resource.RLIMIT_FSIZE, limits.file_size),
        (resource.RLIMIT_NPROC, limits.processes),
    ):
        _, hard = resource.getrlimit(kind)
        ceiling = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (ceiling, ceiling))


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
