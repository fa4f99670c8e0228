"""Keep secrets out of prompts: `.env` values and strings shaped like keys or tokens.

Everything an agent sends to a model passes through here first, because a prompt is recorded
(`llm.jsonl`) and leaves the machine. Redaction is deliberately eager: a redacted placeholder
costs the model little, a leaked key costs the user a rotation.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

REDACTED = "<redacted>"

_TOKEN_SHAPES = [
    re.compile(pattern)
    for pattern in (
        r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\Z)",
        r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}",  # OpenAI / Anthropic style
        r"\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}",  # GitHub
        r"\bxox[abprs]-[A-Za-z0-9\-]{10,}",  # Slack
        r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b",  # AWS access key id
        r"\bAIza[0-9A-Za-z_\-]{35}\b",  # Google API key
        r"\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",  # Stripe
        r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}",  # JWT
        r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)",  # credentials in a URL
    )
]

# `secret_key = "..."`, `"password": "..."`: a quoted value after a secret-sounding name. In
# configuration files (not code) an unquoted value counts too: `POSTGRES_PASSWORD: changethis`.
_SECRET_NAME = r"[\w.\-]*(?:secret|passw(?:or)?d|pwd|token|api[_\-]?key|private[_\-]?key|access[_\-]?key|credential)[\w.\-]*"
_QUOTED_SECRET = re.compile(
    rf"""(?ix)(?P<head>{_SECRET_NAME}["']?\s*(?::[^=\n"']{{0,40}}=|:=|:|=)\s*(?P<quote>["']))(?P<value>[^"'\s]{{4,}})(?P=quote)"""
)
_BARE_SECRET = re.compile(rf"""(?ix)(?P<head>{_SECRET_NAME}\s*(?::|=)[ \t]*)(?P<value>[^\s"'#]{{4,}})""")
_CODE_SUFFIXES = (".py", ".pyi", ".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs")


def is_dotenv(path: str) -> bool:
    """True for `.env`, `.env.local`, `.env.production`... anywhere in the tree."""
    return PurePosixPath(path).name.startswith(".env")


def redact_dotenv(text: str) -> str:
    """A `.env` file's text with its keys kept and every value replaced."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            lines.append(line)
            continue
        name, separator, _ = line.partition("=")
        lines.append(f"{name}={REDACTED}" if separator else REDACTED)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def redact_secrets(text: str, *, code: bool = True) -> str:
    """`text` with every string shaped like a key, token, password or private key replaced.

    In code only quoted values after a secret-sounding name go (`token: str` stays readable);
    elsewhere (`code=False`: YAML, Dockerfiles, INI) unquoted ones go too.
    """
    for shape in _TOKEN_SHAPES:
        text = shape.sub(REDACTED, text)
    text = _QUOTED_SECRET.sub(_redact_value, text)
    return text if code else _BARE_SECRET.sub(_redact_value, text)


def redact_file(path: str, text: str) -> str:
    """What a model may see of the file at `path`: `.env` values gone, secret-like strings gone."""
    if is_dotenv(path):
        return redact_dotenv(text)
    return redact_secrets(text, code=path.endswith(_CODE_SUFFIXES))


def redact_diff(diff: str) -> str:
    """A unified diff with each file's part redacted as that file would be (`.env` values gone)."""
    parts = _DIFF_FILE.split(diff)
    redacted = [redact_secrets(parts[0])]
    for path, body in zip(parts[1::2], parts[2::2], strict=True):
        header = f"diff --git a/{path} b/{path}"
        if is_dotenv(path):
            body = "\n".join(_redact_diff_line(line) for line in body.split("\n"))
        else:
            body = redact_secrets(body, code=path.endswith(_CODE_SUFFIXES))
        redacted.append(header + body)
    return "".join(redacted)


_DIFF_FILE = re.compile(r"^diff --git a/(\S+) b/\S+", re.M)


def _redact_diff_line(line: str) -> str:
    if line.startswith(("+", "-", " ")) and not line.startswith(("+++", "---")) and "=" in line:
        return line[0] + redact_dotenv(line[1:])
    return line


def _redact_value(match: re.Match[str]) -> str:
    value = match.group("value")
    if REDACTED in value or value.startswith(("/", "http", "settings.", "os.", "env.", "${")) or "://" in value:
        return match.group(0)
    quote = match.groupdict().get("quote") or ""
    return f"{match.group('head')}{REDACTED}{quote}"
