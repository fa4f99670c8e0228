"""Markdown tables for bench/RESULTS.md and the terminal."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib import metadata

from measure import Probe

CYNIC_ROW = "cynic audit (warm)"
COLD_ROW = "cynic audit (cold)"
FLOOR_ROW = "parse-only floor"
PEER_ROWS = ("semgrep", "bandit")


@dataclass
class TreeResult:
    """Everything measured on one tree."""

    label: str
    path: str
    files: int
    lines: int
    probes: list[Probe]

    def find(self, name: str) -> Probe | None:
        """The probe called `name`, if it produced samples."""
        return next((p for p in self.probes if p.name == name and p.samples), None)


def _memory_gib() -> str:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            kib = int(meminfo.readline().split()[1])
        return f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        return "unknown"


def machine_lines(versions: dict[str, str]) -> list[str]:
    """Bullet lines describing the machine, the interpreter and every tool's version."""
    def dist(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    lines = [
        f"- CPU cores: {os.cpu_count()}; memory: {_memory_gib()}; OS: {platform.system()} {platform.release()}",
        f"- load average (1/5/15 min) when the report was written: {' / '.join(f'{x:.2f}' for x in os.getloadavg())}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- tree-sitter {dist('tree-sitter')}, tree-sitter-typescript {dist('tree-sitter-typescript')}, "
        f"tree-sitter-javascript {dist('tree-sitter-javascript')}, libcst {dist('libcst')}",
    ]
    lines += [f"- {name}: {version}" for name, version in versions.items()]
    return lines


def _ratio(num: Probe | None, den: Probe | None, measure: str = "wall") -> str:
    if not num or not den:
        return "n/a"
    return f"{num.median(measure) / den.median(measure):.2f}×"


def ratio_lines(result: TreeResult) -> list[str]:
    """The ratios the targets speak of: cold cynic against the floor, each peer against cynic."""
    cold, warm, floor = result.find(COLD_ROW), result.find(CYNIC_ROW), result.find(FLOOR_ROW)
    lines = [f"- cynic cold ÷ parse-only floor: {_ratio(cold, floor)} wall, {_ratio(cold, floor, 'cpu')} CPU"]
    for name in PEER_ROWS:
        peer = result.find(name)
        if peer is not None:
            lines.append(f"- {name} ÷ cynic cold: {_ratio(peer, cold)} wall, {_ratio(peer, cold, 'cpu')} CPU; "
                         f"{name} ÷ cynic warm: {_ratio(peer, warm)} wall")
    return lines


def _note(probe: Probe) -> str:
    text = probe.unavailable and f"unavailable: {probe.unavailable}" or probe.error or probe.summary
    return (text or "").replace("|", "\\|")


def probe_table(probes: list[Probe], reference: Probe | None) -> list[str]:
    """One markdown table row per probe; the last column compares wall time to `reference`."""
    rows = [
        "| tool | wall median (s) | wall min–max (s) | CPU median (s) | peak RSS (MiB) | wall ÷ cynic | notes |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for probe in probes:
        if not probe.samples:
            status = "unavailable" if probe.unavailable else "failed"
            rows.append(f"| {probe.name} | {status} | – | – | – | – | {_note(probe)} |")
            continue
        low, high = probe.spread()
        rows.append(
            f"| {probe.name} | {probe.median('wall'):.3f} | {low:.3f}–{high:.3f} | "
            f"{probe.median('cpu'):.3f} | {probe.median('rss_mib'):.0f} | {_ratio(probe, reference)} | {_note(probe)} |"
        )
    return rows


def tree_section(result: TreeResult, repeat: int) -> list[str]:
    """The heading, table and ratios for one tree."""
    cynic = result.find(CYNIC_ROW)
    return [
        f"### {result.label}: {result.lines:,} lines in {result.files:,} source files",
        "",
        f"`{result.path}`, median of {repeat} runs after one warm-up each, the rows taking turns in each round.",
        "",
        *probe_table(result.probes, cynic),
        "",
        *ratio_lines(result),
        "",
    ]


def scaling_section(results: list[TreeResult]) -> list[str]:
    """Median wall time of each tool at each size, to show how time grows with lines."""
    names = list(dict.fromkeys(p.name for r in results for p in r.probes))
    head = "| tool | " + " | ".join(f"{r.lines:,} lines" for r in results) + " |"
    rows = [head, "|---|" + "---:|" * len(results)]
    for name in names:
        cells = []
        for result in results:
            probe = result.find(name)
            cells.append(f"{probe.median('wall'):.2f} s" if probe else "–")
        rows.append(f"| {name} | " + " | ".join(cells) + " |")
    return ["## Time versus size (median wall)", "", *rows, ""]


LOAD_NOTE = """When the load average is above the core count, other processes share the CPUs and wall
times are inflated by waiting; the CPU columns stay comparable, so compare those."""

PROFILE_POINTER = """## Where the time goes

The profile of a cold audit, what each optimisation gained, scaling to 300k lines, memory and
the targets are in [PROFILE.md](PROFILE.md), written from profiles rather than by this harness."""


def render(results: list[TreeResult], startup: list[Probe], versions: dict[str, str], repeat: int) -> str:
    """The whole RESULTS.md document."""
    lines = [
        "# Benchmark results",
        "",
        "Generated by `python bench/run.py`; see bench/README.md for what each row measures.",
        "",
        "## Machine and tools",
        "",
        *machine_lines(versions),
        "",
        LOAD_NOTE,
        "",
        "## Start-up",
        "",
        *probe_table(startup, None),
        "",
        "Peak RSS of any child includes the harness's own footprint at fork time (Linux carries",
        "the pre-exec high-water mark into `ru_maxrss`); the `python -c pass` row shows that floor.",
        "",
        "## Per corpus",
        "",
    ]
    for result in results:
        lines += tree_section(result, repeat)
    if len(results) > 1:
        lines += scaling_section(results)
    lines.append(PROFILE_POINTER)
    return "\n".join(lines) + "\n"
