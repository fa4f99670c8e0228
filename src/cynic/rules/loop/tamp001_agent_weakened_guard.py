"""TAMP001: the coding agent weakened a guard: tests, assertions, the rulebook, cynic's or CI's configuration."""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterator

from cynic.fingerprints import normalise
from cynic.lazy_pattern import lazy_compile
from cynic.models import Confidence, Severity
from cynic.rules.base import Hit
from cynic.rules.diff import DiffRule, FileChange, RoundDiff
from cynic.walk import is_test_path

_SKIP = lazy_compile(
    r"@pytest\.mark\.(?:skip|skipif|xfail)\b|\bpytest\.skip\(|@unittest\.skip|\bself\.skipTest\("
    r"|\b(?:it|test|describe|context)\.(?:skip|todo)\s*\(|\b(?:xit|xtest|xdescribe)\s*\(|\bcollect_ignore"
)
_TEST_NAME = lazy_compile(
    r"^\s*(?:async\s+)?def\s+(test\w*)\s*\(|\b(?:it|test)\s*\(\s*[\"'`]([^\"'`]+)[\"'`]", re.M
)
_ASSERTION = lazy_compile(r"^\s*(?:assert\b|self\.assert\w*\(|expect\(|assert_\w+\(|with\s+pytest\.raises\b)")
_CI_PATHS = lazy_compile(r"^(?:\.github/workflows/|\.gitlab-ci\.yml$|\.ci/|\.circleci/|azure-pipelines\.yml$|Jenkinsfile$)")
_GUARDED_FILES = {
    ".cynic.toml": "cynic's configuration",
    ".cynic/baseline.json": "cynic's baseline of accepted findings",
    ".cynic/waivers.json": "cynic's waivers of accepted risks",
}
_SECTION = lazy_compile(r"^\s*\[(?P<name>[^\]]+)\]")


class AgentWeakenedGuard(DiffRule):
    """The coding agent deleted or skipped tests, weakened assertions, or edited a guard.

    ## What it does
    Flags, in what the coding agent changed during a run: a deleted test file or test
    function; a new skip (`@pytest.mark.skip`, `pytest.skip(...)`, `it.skip`, `xit`...); an
    assertion removed from a test; any edit to the user's rulebook, cynic's own configuration
    (`.cynic.toml`, `[tool.cynic]` in `pyproject.toml`), the baseline (`.cynic/baseline.json`),
    the waivers (`.cynic/waivers.json`) or CI configuration (`.github/workflows/`, `.gitlab-ci.yml`, `.ci/`).

    ## Why is this bad?
    A failing test or an audit finding is the loop's only evidence that the code is wrong.
    An agent that removes the evidence instead of fixing the code makes the checklist look
    empty while the flaw stays. These changes need a human's decision, never an agent's.

    ## Example
    ```diff tests/test_items.py
     def test_other_users_item_is_hidden(client, other_item):
         response = client.get(f"/items/{other_item.id}")
    -    assert response.status_code == 404
    ```

    ## Use instead
    ```diff tests/test_items.py
     def test_other_users_item_is_hidden(client, other_item):
         response = client.get(f"/items/{other_item.id}")
         assert response.status_code == 404
    +    assert "owner_id" not in response.text
    ```

    ## References
    - cynic's rule catalog: "Rules about the loop itself"
    """

    code = "TAMP001"
    name = "agent-weakened-guard"
    severity = Severity.HIGH
    confidence = Confidence.HIGH
    fix = "Restore the test, assertion or configuration the agent changed, and fix the code instead."

    def check_diff(self, diff: RoundDiff) -> Iterator[Hit]:
        for change in diff.files:
            guard = _guard_edit(change, diff.protected)
            if guard is not None:
                what, line = guard
                yield self.hit(change.path, line, f"The coding agent edited {what}.", whole_file=change.deleted)
            elif is_test_path(change.path):
                yield from self._weakened_tests(change)

    def _weakened_tests(self, change: FileChange) -> Iterator[Hit]:
        if change.deleted:
            yield self.hit(change.path, 1, "The coding agent deleted this test file.", whole_file=True)
            return
        gone = _test_names(change.before) - _test_names(change.after)
        for number, text in change.removed_lines():
            match = _TEST_NAME.search(text)
            if match and (match[1] or match[2]) in gone:
                yield self.hit(change.path, number, f"The coding agent deleted the test `{match[1] or match[2]}`.")
        for number, text in change.added_lines():
            if _SKIP.search(text):
                yield self.hit(change.path, number, "The coding agent skipped a test.")
        yield from self._removed_assertions(change)

    def _removed_assertions(self, change: FileChange) -> Iterator[Hit]:
        """Assertions removed and not replaced: a rewritten assertion counts as kept."""
        added = [normalise(text) for _, text in change.added_lines() if _ASSERTION.match(text)]
        removed = [(n, text) for n, text in change.removed_lines() if _ASSERTION.match(text)]
        unmatched = Counter(added)
        leftover = []
        for number, text in removed:
            if unmatched[normalise(text)] > 0:
                unmatched[normalise(text)] -= 1
            else:
                leftover.append((number, text))
        replacements = sum(unmatched.values())
        for number, text in leftover[replacements:]:
            yield self.hit(change.path, number, f"The coding agent removed the assertion `{text.strip()[:120]}`.")


def _guard_edit(change: FileChange, protected: frozenset[str]) -> tuple[str, int] | None:
    """(what guard `change` edits, first line edited), or None when the file guards nothing."""
    if change.path in protected:
        return "the rulebook", change.first_changed_line()
    if change.path in _GUARDED_FILES:
        return _GUARDED_FILES[change.path], change.first_changed_line()
    if _CI_PATHS.match(change.path):
        return "CI configuration", change.first_changed_line()
    if posixpath.basename(change.path) == "pyproject.toml":
        line = _tool_cynic_edit(change)
        return None if line is None else ("cynic's configuration (`[tool.cynic]`)", line)
    return None


def _tool_cynic_edit(change: FileChange) -> int | None:
    """The first line of the new text where `[tool.cynic]` (or a sub-table) changed, or None."""

    def sections(lines: list[str]) -> list[str]:
        current, names = "", []
        for line in lines:
            match = _SECTION.match(line)
            current = match["name"].strip().strip("[]") if match else current
            names.append(current)
        return names

    def in_cynic(section: str) -> bool:
        return section == "tool.cynic" or section.startswith("tool.cynic.")

    after_sections = sections(change.after_lines)
    before_sections = sections(change.before_lines)
    added = [n for n, _ in change.added_lines() if in_cynic(after_sections[n - 1])]
    removed = [
        anchor
        for (anchor, _), n in zip(change.removed_lines(), change.removed_line_numbers(), strict=True)
        if in_cynic(before_sections[n - 1])
    ]
    return min(added + removed, default=None)


def _test_names(text: str | None) -> set[str]:
    return {match[1] or match[2] for match in _TEST_NAME.finditer(text or "")}
