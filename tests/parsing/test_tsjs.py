"""TypeScript/JavaScript parsing: the right grammar per suffix, and broken files audited, not dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

from cynic.audit import audit
from cynic.parsing.tsjs import parse_script


@pytest.mark.parametrize(
    ("suffix", "code"),
    [
        (".ts", "const n = <number>value;\nexport const f = (x: string): number => x.length;\n"),
        (".mts", "export default function f<T>(x: T): T { return x }\n"),
        (".tsx", "export const A = <T,>(p: { v: T }) => <div>{String(p.v)}</div>;\n"),
        (".js", "export const A = () => <div className='a'>hi</div>;\n"),
        (".jsx", "export default function A() { return <><b>hi</b></> }\n"),
        (".cjs", "const x = require('x');\nmodule.exports = { x };\n"),
    ],
)
def test_each_suffix_parses_with_its_grammar(suffix: str, code: str) -> None:
    assert parse_script(code, suffix).error_line is None


def test_a_file_with_a_syntax_error_is_audited_and_reported_incomplete(tmp_path: Path) -> None:
    (tmp_path / "Login.tsx").write_text(
        "export function save(data: { access_token: string }) {\n"
        '  localStorage.setItem("jwt", data.access_token)\n'
        "}\n"
        "export const Broken = () => <div>{</div>\n",
        encoding="utf-8",
    )

    result = audit(tmp_path)

    assert [(f.rule, f.line) for f in result.findings] == [("AUTH001", 2)]
    assert result.incomplete
    [skipped] = result.skipped
    assert skipped.path == "Login.tsx" and "line 4" in skipped.reason and "recovered" in skipped.reason
