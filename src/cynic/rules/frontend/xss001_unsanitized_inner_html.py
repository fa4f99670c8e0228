"""XSS001: HTML rendered with dangerouslySetInnerHTML (or innerHTML) without a sanitizer."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Confidence, Severity
from cynic.project import Project
from cynic.project.js_facts import ScriptFacts, defined_in
from cynic.project.js_html import RAW, SANITIZED, HtmlSink
from cynic.rules.base import Hit, ProjectRule


class UnsanitizedInnerHtml(ProjectRule):
    """HTML is rendered from a value that was not sanitized.

    ## What it does
    Finds markup rendered as HTML that did not go through a sanitizer:
    `dangerouslySetInnerHTML={{ __html: value }}`, `element.innerHTML = value` (also `outerHTML`,
    `document.getElementById("x")!.innerHTML`) and `element.insertAdjacentHTML(where, value)`.
    The value counts as sanitized when it comes out of DOMPurify (`dompurify`,
    `isomorphic-dompurify`), `sanitize-html` or `xss` under any import name, a function named
    for sanitizing or escaping (`sanitizeHtml`, `escapeHtml`), a variable, `useMemo` or helper
    returning one of those (also a helper imported from another file of the project), or a
    template whose every `${...}` is one of those or a number. Constant markup
    (`__html: "<br/>"`) is not reported.

    The finding sits on the `dangerouslySetInnerHTML` attribute or the assignment. DOM sinks and
    values cynic cannot trace are reported with medium confidence.

    ## Why is this bad?
    Markup from users, a CMS, markdown or an API response can carry `<img onerror=...>` or
    `<script>`: rendered raw it runs in the app's origin (stored or reflected XSS), reads what
    the page can read and acts as the logged-in user.

    ## Example
    ```tsx src/components/Comment.tsx
    export function Comment({ body }: { body: string }) {
      return <div className="comment" dangerouslySetInnerHTML={{ __html: body }} />;
    }
    ```

    ## Use instead
    ```tsx src/components/Comment.tsx
    import DOMPurify from "dompurify";

    export function Comment({ body }: { body: string }) {
      return <div className="comment" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(body) }} />;
    }
    ```

    ## References
    - CWE-79: Improper Neutralization of Input During Web Page Generation
    - React docs: dangerouslySetInnerHTML
    - OWASP Cross Site Scripting Prevention Cheat Sheet
    """

    code = "XSS001"
    name = "unsanitized-inner-html"
    severity = Severity.HIGH
    cwe = (79,)
    fix = "Pass the markup through DOMPurify first (`dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(html) }}`, `el.innerHTML = DOMPurify.sanitize(html)`), or render it as text (`{text}`, `el.textContent = text`)."
    extractors = ("script",)

    def check_project(self, project: Project) -> Iterator[Hit]:
        scripts: dict[str, ScriptFacts] = dict(project.facts_of("script"))
        for path, facts in scripts.items():
            for sink in facts.html_sinks:
                if sink.verdict == SANITIZED or _sanitized_by_helper(path, sink, scripts):
                    continue
                where = "dangerouslySetInnerHTML" if sink.react else "HTML"
                if sink.verdict == RAW:
                    message = f"{where} renders `{sink.rendered}` without DOMPurify.sanitize."
                else:
                    message = f"{where} gets markup cynic cannot trace to DOMPurify.sanitize: `{sink.rendered}`."
                certain = sink.verdict == RAW and sink.react
                yield self.hit(path, sink.line, message, confidence=None if certain else Confidence.MEDIUM)


def _sanitized_by_helper(path: str, sink: HtmlSink, scripts: dict[str, ScriptFacts]) -> bool:
    """The markup is the return value of a function from another project file that sanitizes."""
    target = defined_in(path, sink.helper, scripts) if sink.helper else None
    return target is not None and target[1] in scripts[target[0]].sanitizing_functions
