"""Newer Python syntax parses with the right lines; libcst is loaded only when `ast` alone cannot cope."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cynic.parsing.python import is_rewritten, parse_python

_PROBE = """
import ast, json, sys
from cynic.parsing.python import parse_python
parsed = parse_python(sys.stdin.read())
handlers = [(node.lineno, type(node.type).__name__) for node in ast.walk(parsed.tree) if isinstance(node, ast.ExceptHandler)]
print(json.dumps({"handlers": handlers, "libcst": "libcst" in sys.modules}))
"""

PEP_758 = "try:\n    load()\nexcept ValueError, TypeError:\n    pass\nexcept OSError, KeyError:  # two\n    raise\n"


def _parse_in_fresh_interpreter(text: str) -> dict:
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _PROBE], input=text, capture_output=True, text=True, env=env, timeout=60)
    return json.loads(done.stdout)


def test_unparenthesized_handlers_parse_as_tuples_on_their_lines_without_libcst() -> None:
    result = _parse_in_fresh_interpreter(PEP_758)

    assert result == {"handlers": [[3, "Tuple"], [5, "Tuple"]], "libcst": False}


def test_other_newer_syntax_still_goes_through_libcst() -> None:
    result = _parse_in_fresh_interpreter("def first[T](items: list[T]) -> T:\n    return items[0]\n\n\n" + PEP_758)

    assert result == {"handlers": [[7, "Tuple"], [9, "Tuple"]], "libcst": True}


def test_a_tree_parsed_from_rewritten_text_says_its_columns_are_not_the_files() -> None:
    # `class Box[T]` is read without `[T]`: the keyword's value sits 3 columns left of its text
    rewritten = parse_python("class Box[T](Base, extra=limit(12)):\n    pass\n").tree
    assert is_rewritten(rewritten) and rewritten.body[0].keywords[0].value.col_offset == 22
    assert not is_rewritten(parse_python("class Box(Base, extra=limit(12)):\n    pass\n").tree)
