"""The JSON report: a contract that CI and other tools parse. Add fields; never rename one."""

from __future__ import annotations

import json

from cynic.models import AuditResult


def render_json(result: AuditResult) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
