"""The JSON report: a contract that CI and other tools parse. Add fields; never rename one."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from cynic.models import AuditResult, to_json

if TYPE_CHECKING:
    from cynic.review.result import ReviewResult


def render_json(result: AuditResult) -> str:
    """The audit as JSON."""
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"


def render_review_json(review: ReviewResult) -> str:
    """The head audit's JSON (the same keys as `cynic audit`), plus `new`, `existing`, `fixed`
    and the review's refs, renames and coverage."""
    document = to_json(review.head)
    document.update(review.model_dump(mode="json", exclude={"head"}))
    document["incomplete"] = review.incomplete
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
