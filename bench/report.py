"""Markdown tables for bench/RESULTS.md and the terminal."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from importlib import metadata

from measure import Probe

CYNIC_ROW = "cynic audit (warm)"
FLOOR_ROW = "parse-only floor"


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


def _ratio(num: Probe | None, den: Probe | None) -> str:
    if not num or not den:
        return "n/a"
    return f"{num.median('wall') / den.median('wall'):.2f}×"


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
    cynic, floor = result.find(CYNIC_ROW), result.find(FLOOR_ROW)
    return [
        f"### {result.label}: {result.lines:,} lines in {result.files:,} source files",
        "",
        f"`{result.path}`, median of {repeat} runs after one warm-up each.",
        "",
        *probe_table(result.probes, cynic),
        "",
        f"cynic ÷ parse-only floor (wall): {_ratio(cynic, floor)}",
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

PLACEHOLDER = """## Where the time goes

> **PLACEHOLDER, to be filled from a profile.** Run
> `python -m cProfile -o audit.prof -m cynic audit TREE --format json --output /dev/null`
> on the 100k corpus (and `py-spy record` for native time) and summarise here: file
> discovery, reading, parsing (Python / TypeScript), rule evaluation, cache I/O, report
> rendering, and interpreter start-up (see the start-up table)."""


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
    lines.append(PLACEHOLDER)
    return "\n".join(lines) + "\n"
