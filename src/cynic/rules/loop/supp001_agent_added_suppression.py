"""SUPP001: a suppression the coding agent added during a run."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Severity
from cynic.rules.base import Hit
from cynic.rules.diff import DiffRule, FileChange, RoundDiff
from cynic.source import kind_of

_SECURITY_ESLINT_RULE = lazy_compile(r"security|xss|no-eval|no-implied-eval|no-new-func|no-script-url|no-danger|no-unsanitized", re.I)
_INLINE_MARKERS: tuple[tuple[re.Pattern[str], str], ...] = (
    (lazy_compile(r"cynic:\s*ignore"), "a cynic suppression"),
    (lazy_compile(r"#\s*nosec\b", re.I), "a bandit `# nosec`"),
    (lazy_compile(r"#\s*noqa\s*:\s*(?:[A-Z]+\d+\s*,\s*)*S\d+", re.I), "a `# noqa` of a bandit (S) rule"),
    (lazy_compile(r"#\s*noqa\b(?!\s*:)", re.I), "a bare `# noqa`, which silences every rule"),
    (lazy_compile(r"nosemgrep", re.I), "a `nosemgrep`"),
    (lazy_compile(r"NOSONAR|codeql\[|lgtm\s*\[", re.I), "a scanner suppression"),
)
_ESLINT_DISABLE = lazy_compile(r"eslint-disable(?:-next-line|-line)?(?P<rules>[^*\n]*)")
IGNORE_FILES = frozenset({".gitignore", ".cynicignore", ".semgrepignore", ".eslintignore", ".banditignore"})


class AgentAddedSuppression(DiffRule):
    """A suppression added by the coding agent during a run.

    ## What it does
    Flags every suppression the coding agent added: `cynic: ignore[...]`, `# nosec`,
    `# noqa` of a bandit `S` rule (or a bare `# noqa`), `nosemgrep`, an `eslint-disable` of a
    security rule (or of every rule), and a new pattern in `.gitignore` / `.cynicignore` (or
    another scanner's ignore file) that hides a file the audit reads. `# type: ignore` is not
    a suppression of a security finding and is not flagged.

    ## Why is this bad?
    An agent that silences the auditor has not fixed anything. cynic does not honour a
    suppression added during a run: the finding it hides stays on the checklist, and this
    finding asks a human to look at why the agent tried.

    ## Example
    ```diff app/crud.py
     def find(session, name):
    -    return session.exec(text(f"select * from item where name = '{name}'"))
    +    return session.exec(text(f"select * from item where name = '{name}'"))  # nosec
    ```

    ## Use instead
    ```diff app/crud.py
     def find(session, name):
    -    return session.exec(text(f"select * from item where name = '{name}'"))
    +    return session.exec(text("select * from item where name = :name"), params={"name": name})
    ```

    ## References
    - cynic's rule catalog: "Rules about the loop itself"
    """

    code = "SUPP001"
    name = "agent-added-suppression"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    fix = "Remove the suppression and fix the finding it hid; only a human may accept a finding, with a reason."

    def check_diff(self, diff: RoundDiff) -> Iterator[Hit]:
        for change in diff.files:
            if change.deleted:
                continue
            if posixpath.basename(change.path) in IGNORE_FILES:
                yield from self._hiding_patterns(change, diff.after_paths)
                continue
            for number, text in change.added_lines():
                what = describe_suppression(text)
                if what is not None:
                    yield self.hit(change.path, number, f"The coding agent added {what}; it is not honoured.")

    def _hiding_patterns(self, change: FileChange, after_paths: frozenset[str]) -> Iterator[Hit]:
        """New ignore patterns that match a file the audit would otherwise read."""
        base = posixpath.dirname(change.path)
        audited = [
            path[len(base) + 1 :] if base else path
            for path in after_paths
            if kind_of(path) is not None and (not base or path.startswith(base + "/"))
        ]
        import pathspec  # loaded only for a diff that adds ignore patterns

        for number, text in change.added_lines():
            pattern = text.strip()
            if not pattern or pattern.startswith(("#", "!")):
                continue
            spec = pathspec.GitIgnoreSpec.from_lines([pattern])
            hidden = [path for path in audited if spec.match_file(path)]
            if hidden:
                yield self.hit(
                    change.path,
                    number,
                    f"The coding agent added the ignore pattern `{pattern}`, which hides {hidden[0]}"
                    + (f" and {len(hidden) - 1} more" if len(hidden) > 1 else "")
                    + " from the audit.",
                )


def describe_suppression(text: str) -> str | None:
    """What kind of inline suppression the line `text` carries, or None."""
    for pattern, what in _INLINE_MARKERS:
        if pattern.search(text):
            return what
    eslint = _ESLINT_DISABLE.search(text)
    if eslint is not None:
        rules = eslint["rules"].split("--")[0].strip()
        if not rules:
            return "an `eslint-disable` of every rule"
        if _SECURITY_ESLINT_RULE.search(rules):
            return "an `eslint-disable` of a security rule"
    return None
