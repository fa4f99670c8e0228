"""Generate a seeded synthetic FastAPI + React app: `python bench/corpus.py --lines N --seed S OUTDIR`."""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpusgen import generate  # noqa: E402
from corpusgen.newer_syntax import use_newer_syntax  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate the tree into OUTDIR (replacing it) and print a summary."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=10_000, help="target size in lines (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--manifest", type=Path, help="also write the planted violations as JSON here")
    parser.add_argument("--newer-syntax", type=float, default=0.0, metavar="SHARE",
                        help="share of Python files given a PEP 758 `except A, B:` (e.g. 0.05), for the parser fallback")
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    tree = generate(args.lines, args.seed)
    newer = use_newer_syntax(tree, args.newer_syntax, args.seed)
    if args.outdir.exists():
        shutil.rmtree(args.outdir)
    tree.write(args.outdir)
    if args.manifest:
        args.manifest.write_text(tree.manifest() + "\n", encoding="utf-8")
    elapsed = time.perf_counter() - started
    print(
        f"{args.outdir}: {len(tree.files)} files, {tree.lines} lines, "
        f"{len(tree.planted)} planted violations, {len(newer)} files with newer syntax, {elapsed:.2f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
