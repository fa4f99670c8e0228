"""The HTML report stays inert whatever the audited code holds, and loads nothing from elsewhere."""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cynic.cli import app
from cynic.reports.html import highlight_diff, render_html
from cynic.reports.run_adapter import load_run_view
from cynic.policy import add_waiver
from tests.run_history import PAYLOAD, RATE_WAIVER, RUN_ID, make_run, waiver


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def page(repo: Path) -> str:
    view = load_run_view(repo, RUN_ID)
    return render_html(view.apply_waivers([waiver(**RATE_WAIVER, owner=PAYLOAD, reason=PAYLOAD)], date(2025, 1, 1)))


class Elements(HTMLParser):
    """Every element and attribute a browser would build from the page."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes.extend((name, value or "") for name, value in attrs)


def test_the_payload_never_becomes_markup(page: str) -> None:
    elements = Elements(page)
    assert elements.tags["script"] == 1 and elements.tags["style"] == 1  # the report's own
    assert elements.tags["img"] == elements.tags["textarea"] == 0
    assert not [name for name, _ in elements.attributes if name.startswith("on")]
    assert not [value for _, value in elements.attributes if "javascript:" in value or "pwned" in value]
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page


def test_template_syntax_and_bidi_controls_are_shown_not_acted_on(page: str) -> None:
    assert "{{ 7*7 }}" in page and "\u202e" not in page
    assert "⟨U+202E⟩evil" in page


def test_no_inline_style_attribute_or_external_resource(page: str) -> None:
    attributes = Elements(page).attributes
    assert not [value for name, value in attributes if name == "style"]
    assert not [value for name, value in attributes if name in ("src", "href") and not value.startswith(("#", "data:"))]


def test_the_policy_allows_exactly_the_page_own_style_and_script(page: str) -> None:
    policy = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)

    def sha(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"style-src {sha(style)};" in policy and f"script-src {sha(script)};" in policy
    assert policy.startswith("default-src 'none';") and "unsafe-inline" not in policy


def test_pygments_escapes_the_code_it_highlights() -> None:
    html = str(highlight_diff(f"+{PAYLOAD}\n-</script><script>alert(1)</script>\n"))
    assert "<script" not in html and "<img" not in html and "&lt;/script&gt;" in html


def test_the_report_tells_the_story_of_the_run(page: str) -> None:
    assert "stopped at the round limit" in page
    assert page.count('class="round"') == 3 and "Round 2" in page
    assert 'data-status="fixed"' in page and 'data-status="waived"' in page
    assert "Why is this bad?" in page  # the rule's own documentation


def test_cynic_report_writes_the_page(repo: Path, tmp_path: Path) -> None:
    output = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["report", RUN_ID, str(repo), "--output", str(output), "--quiet"])
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cynic_report_explains_a_missing_run_and_bad_waivers(repo: Path, tmp_path: Path) -> None:
    missing = CliRunner().invoke(app, ["report", "nope", str(repo), "--quiet"])
    assert missing.exit_code == 2 and "cynic runs" in missing.output and "Traceback" not in missing.output
    repo = make_run(tmp_path)
    (repo / ".cynic").mkdir()
    (repo / ".cynic" / "waivers.json").write_text('{"waivers": [{"owner": "x"}]}', encoding="utf-8")
    invalid = CliRunner().invoke(app, ["report", RUN_ID, str(repo), "--quiet"])
    assert invalid.exit_code == 2 and "waivers.json" in invalid.output and "cynic waive" in invalid.output
    assert "Traceback" not in invalid.output


def test_cynic_report_shows_the_waivers_written_by_cynic_waive(tmp_path: Path) -> None:
    repo = make_run(tmp_path)
    add_waiver(repo, waiver(**RATE_WAIVER, owner="dana@sec", reason="limited at the proxy"))
    add_waiver(repo, waiver("aaaa1111", "CORS001", "app/main.py", owner="lee", reason="legacy", expires=date(2020, 1, 1)))

    page = CliRunner().invoke(app, ["report", RUN_ID, str(repo), "--quiet"]).stdout

    assert 'data-rule="RATE001" data-status="waived"' in page
    assert "<b>Waived</b> by dana@sec until 2030-01-01: limited at the proxy" in page
    assert "<b>Waiver expired on 2020-01-01</b> (owner lee): legacy" in page


def test_audit_writes_html(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(f'app.add_middleware(CORSMiddleware, allow_origins=["*"])  # {PAYLOAD}\n', encoding="utf-8")
    output = tmp_path / "audit.html"
    result = CliRunner().invoke(app, ["audit", str(tmp_path), "--format", "html", "--output", str(output), "--no-cache"])
    assert result.exit_code in (0, 1), result.output
    page = output.read_text(encoding="utf-8")
    assert page.count("<script") == 1 and 'id="timeline"' not in page and "files audited" in page
