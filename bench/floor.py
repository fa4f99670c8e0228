"""Parse-only floor: read and parse every source file of a tree once, in one process.

Python files go through `ast` (falling back to libcst when `ast` rejects them); .ts, .tsx,
.js and .jsx go through tree-sitter. This is the least work any AST-based auditor must do, so
it bounds how fast such a tool can be. `--check` exits non-zero if any file fails to parse.
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import tree_sitter_javascript
import tree_sitter_typescript
from tree_sitter import Language, Parser

SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".cynic-cache", "dist", "build"}


def _parsers() -> dict[str, Parser]:
    typescript = Parser(Language(tree_sitter_typescript.language_typescript()))
    tsx = Parser(Language(tree_sitter_typescript.language_tsx()))
    javascript = Parser(Language(tree_sitter_javascript.language()))
    return {".ts": typescript, ".tsx": tsx, ".js": javascript, ".jsx": javascript}


def iter_sources(root: Path) -> Iterator[Path]:
    """Every .py/.ts/.tsx/.js/.jsx file under `root`, skipping vendored and cache folders."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files):
            if name.endswith((".py", ".ts", ".tsx", ".js", ".jsx")):
                yield Path(folder, name)


def _parse_python(source: bytes) -> bool:
    try:
        ast.parse(source)
        return True
    except SyntaxError:
        import libcst

        try:
            libcst.parse_module(source)
            return True
        except libcst.ParserSyntaxError:
            return False


def parse_tree(root: Path, on_error: Callable[[Path], None] | None = None) -> tuple[int, int, int]:
    """Parse every source file under `root`; return (files, lines, failures)."""
    parsers = _parsers()
    files = lines = failures = 0
    for path in iter_sources(root):
        source = path.read_bytes()
        files += 1
        lines += source.count(b"\n")
        if path.suffix == ".py":
            ok = _parse_python(source)
        else:
            ok = not parsers[path.suffix].parse(source).root_node.has_error
        if not ok:
            failures += 1
            if on_error:
                on_error(path)
    return files, lines, failures


def main(argv: list[str] | None = None) -> int:
    """Parse the tree given on the command line and print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tree", type=Path)
    parser.add_argument("--check", action="store_true", help="list unparsable files and exit 1 if any")
    args = parser.parse_args(argv)
    report = (lambda p: print(f"parse error: {p}", file=sys.stderr)) if args.check else None
    files, lines, failures = parse_tree(args.tree, report)
    print(f"{files} files, {lines} lines, {failures} parse failures")
    return 1 if args.check and failures else 0


if __name__ == "__main__":
    sys.exit(main())
