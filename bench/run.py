"""Benchmark cynic against semgrep, bandit and a parse-only floor, side by side.

    python bench/run.py [--sizes 10000,100000,300000] [--tree PATH] [--repeat 5] [--peers semgrep,bandit]

Generates seeded corpora into bench/.corpus/ (or measures --tree), installs the peers into
bench/.peers/, times every tool with one warm-up and N repeats, prints the tables and writes
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from corpusgen import generate  # noqa: E402
from floor import iter_sources  # noqa: E402
from measure import Probe, measure_side_by_side  # noqa: E402
from peers import ensure_peers  # noqa: E402
from probes import REPO, cynic_probes, main_checkout, detect_cynic, floor_probe, peer_probes, startup_probes  # noqa: E402
from report import TreeResult, render  # noqa: E402


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,300000", help="corpus sizes in lines, comma-separated")
    parser.add_argument("--tree", type=Path, help="measure this existing tree instead of generated corpora")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per tool (after one warm-up)")
    parser.add_argument("--peers", default="semgrep,bandit", help="peer tools, comma-separated ('' for none)")
    parser.add_argument("--peer-rules", type=Path, default=main_checkout().parent / "shared" / "peer-rules",
                        help="semgrep rules folder (default: ../shared/peer-rules from the main checkout's root)")
    parser.add_argument("--peer-max-lines", default="", metavar="NAME=LINES,...",
                        help="skip a slow peer on trees above LINES lines, e.g. semgrep=100000")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds before a run is killed")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md", help="where to write the report")
    return parser.parse_args(argv)


def _corpus(lines: int, seed: int) -> Path:
    """Generate (once) the corpus of `lines` lines; an existing folder with a stamp is reused."""
    out = BENCH / ".corpus" / f"{lines}-seed{seed}"
    stamp = out / ".bench-complete"
    if not stamp.exists():
        tree = generate(lines, seed)
        tree.write(out)
        (BENCH / ".corpus" / f"{lines}-seed{seed}.manifest.json").write_text(tree.manifest() + "\n", encoding="utf-8")
        stamp.write_text("", encoding="utf-8")
    return out


def _source_size(tree: Path) -> tuple[int, int]:
    files = lines = 0
    for path in iter_sources(tree):
        files += 1
        lines += path.read_bytes().count(b"\n")
    return files, lines


def _measure_all(probes: list[Probe], repeat: int, timeout: float) -> None:
    print(f"  {len(probes)} rows, a warm-up and {repeat} rounds ...", file=sys.stderr)
    measure_side_by_side(probes, REPO, repeat, timeout)
    for probe in probes:
        done = f"{probe.median('wall'):.3f}s" if probe.samples else (probe.unavailable or probe.error)
        print(f"  {probe.name}: {done}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run every probe on every tree, then print and write the report."""
    args = _parse_args(argv)
    scratch = BENCH / ".corpus" / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    cynic = detect_cynic(scratch / "xdg-cache")
    peer_names = [n for n in args.peers.split(",") if n]
    limits = {name: int(value) for name, _, value in (item.partition("=") for item in args.peer_max_lines.split(",") if item)}
    print(f"installing/checking peers in {BENCH / '.peers'} ...", file=sys.stderr)
    peers = ensure_peers(BENCH / ".peers", peer_names)
    rules = args.peer_rules.resolve()
    if "semgrep" in peers and not rules.is_dir():
        print(f"warning: semgrep rules folder {rules} does not exist", file=sys.stderr)

    if args.tree:
        trees = [(args.tree.name, args.tree.resolve(), False)]
    else:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        trees = [(f"{size // 1000}k corpus", _corpus(size, args.seed), True) for size in sizes]

    versions = {"cynic": cynic.version if not cynic.reason else f"unavailable ({cynic.reason})"}
    versions |= {name: peer.version if peer.executable else f"unavailable ({peer.reason})" for name, peer in peers.items()}
    print("start-up:", file=sys.stderr)
    startup = startup_probes(cynic)
    _measure_all(startup, args.repeat, args.timeout)
    results: list[TreeResult] = []
    text = render(results, startup, versions, args.repeat)
    for label, tree, generated in trees:
        print(f"{label} ({tree}):", file=sys.stderr)
        files, lines = _source_size(tree)
        probes = [floor_probe(tree), *cynic_probes(cynic, tree, scratch), *peer_probes(peers, tree, rules, scratch, generated)]
        for probe in probes:
            if probe.name in limits and lines > limits[probe.name] and not probe.unavailable:
                probe.unavailable = f"skipped: above --peer-max-lines {probe.name}={limits[probe.name]}"
        _measure_all(probes, args.repeat, args.timeout)
        results.append(TreeResult(label, str(tree.relative_to(REPO)) if tree.is_relative_to(REPO) else str(tree), files, lines, probes))
        # Rewrite the report after every tree so that a long run interrupted later keeps its numbers.
        text = render(results, startup, versions, args.repeat)
        args.results.write_text(text, encoding="utf-8")
    print(text)
    print(f"wrote {args.results}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
