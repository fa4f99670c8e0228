"""What a secret looks like: secret-named variables, placeholder values, and known key shapes.

Known shapes (AWS, GitHub, Slack, Stripe, private keys...) come from detect-secrets' plugin
patterns, compiled once into one expression, plus a few newer shapes it does not know yet.
"""

from __future__ import annotations

import re
from functools import cache

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_SECRET_WORDS = frozenset({"secret", "password", "passwd", "pwd", "passphrase", "pass", "token", "apikey", "credential", "credentials", "privatekey"})
_NOT_SECRET_LAST = frozenset(
    {"url", "uri", "urls", "endpoint", "path", "file", "dir", "name", "names", "id", "type", "field", "length", "len",
     "min", "max", "expire", "expires", "expiry", "minutes", "seconds", "hours", "days", "ttl", "algorithm", "alg",
     "header", "prefix", "env", "var", "label", "hint", "regex", "pattern", "policy", "enabled", "required",
     "rounds", "scheme", "format", "cookie", "limit", "count", "size", "location", "mode", "version", "lifetime",
     "description", "title", "placeholder", "message", "error", "reset", "form", "input", "key_name"}
)
_NOT_SECRET_KEY_QUALIFIERS = frozenset(
    {"primary", "foreign", "sort", "cache", "partition", "lookup", "idempotency", "object", "file", "redis", "prefix",
     "unique", "composite", "natural", "surrogate", "dict", "map", "hash", "range", "row", "column", "index",
     "translation", "i18n", "message", "state", "session", "public", "publishable", "site", "storage", "s3", "bucket",
     "group", "order", "config", "setting", "settings", "env", "field", "id", "name", "meta", "label", "attr",
     "attribute", "query", "search", "route", "lock", "rate", "throttle", "local", "global", "dedup", "unique",
     "sorting", "react", "list", "item", "cursor", "pagination", "shortcut", "hot", "keyboard", "enter", "escape"}
)
_PLACEHOLDER = re.compile(
    r"^(?:<[^>]*>|\{\{.*\}\}|\$\{.*\}|x{3,}|\*{3,}|\.{3}|change[-_ ]?(?:me|this|it)\w*|replace[-_ ]?me\w*|your[-_ ].*"
    r"|placeholder|example|dummy|todo|tbd|none|null|undefined|true|false|fake\w*|secret|password)$",
    re.I,
)
_URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s:/@'\"]+:([^\s/@'\"]+)@[^\s'\"]+", re.I)
_EXTRA_SHAPES = (
    r"\bsk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{20,}",
    r"\bsk_test_[0-9a-zA-Z]{24,}",
    r"\bAIza[0-9A-Za-z_-]{35}",
    r"\bgithub_pat_[A-Za-z0-9_]{22,}",
    r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----",
)
_SHAPE_PLUGINS = (
    ("aws", "AWSKeyDetector"), ("github_token", "GitHubTokenDetector"), ("gitlab_token", "GitLabTokenDetector"),
    ("openai", "OpenAIDetector"), ("private_key", "PrivateKeyDetector"), ("slack", "SlackDetector"),
    ("stripe", "StripeDetector"), ("sendgrid", "SendGridDetector"), ("twilio", "TwilioKeyDetector"),
    ("pypi_token", "PypiTokenDetector"), ("npm", "NpmDetector"), ("telegram_token", "TelegramBotTokenDetector"),
    ("discord", "DiscordBotTokenDetector"), ("mailchimp", "MailchimpDetector"), ("azure_storage_key", "AzureStorageKeyDetector"),
    ("jwt", "JwtTokenDetector"),
)


def words(name: str) -> list[str]:
    """`JWT_SECRET_KEY` / `jwtSecretKey` -> ["jwt", "secret", "key"]."""
    return [w.lower() for w in _WORD_SPLIT.split(name) if w]


def is_secret_name(name: str) -> bool:
    """True for names that hold secrets: `SECRET_KEY`, `db_password`, `GITHUB_TOKEN`, `stripeApiKey`."""
    parts = words(name)
    if not parts or parts[-1] in _NOT_SECRET_LAST:
        return False
    joined = "".join(parts)
    if any(p in _SECRET_WORDS for p in parts) or any(w in joined for w in ("apikey", "privatekey", "secretkey", "password")):
        return True
    return parts[-1] in ("key", "keys") and len(parts) > 1 and parts[-2] not in _NOT_SECRET_KEY_QUALIFIERS


def is_placeholder(value: str) -> bool:
    """`changethis`, `your-api-key`, `<token>`, `xxx`: a value no one would deploy as a secret."""
    value = value.strip().strip("'\"")
    lowered = value.lower()
    return bool(_PLACEHOLDER.match(value)) or any(w in lowered for w in ("changeme", "changethis", "your-", "your_", "example-", "example_"))


def is_secret_value(value: str, name: str = "") -> bool:
    """A literal that could be a secret, rather than a label, a path, a template or an env var name."""
    value = value.strip()
    if len(value) < 3 or any(c.isspace() for c in value) or value.lower() in (name.lower(), (words(name) or [""])[-1]):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9_]*_[A-Z0-9_]+", value) or value.startswith(("/", "http://", "https://", "${", "{{", "%(")):
        return bool(_URL_CREDENTIALS.search(value)) and not _credential_is_placeholder(value)
    return True


def url_with_credentials(text: str) -> bool:
    """`postgresql://user:realpass@host/db`: a password embedded in a connection URL."""
    return bool(_URL_CREDENTIALS.search(text)) and not _credential_is_placeholder(text)


def _credential_is_placeholder(text: str) -> bool:
    match = _URL_CREDENTIALS.search(text)
    secret = match.group(1) if match else ""
    return not secret or secret.startswith(("$", "{", "%", "<")) or set(secret) <= {"*", "x", "X"} or is_placeholder(secret)


def secret_shape(text: str) -> bool:
    """True when the text contains a known credential shape (AWS key id, GitHub token, PEM key...)."""
    return len(text) >= 16 and bool(_shapes().search(text))


@cache
def _shapes() -> re.Pattern[str]:
    import importlib

    patterns = list(_EXTRA_SHAPES)
    for module, detector in _SHAPE_PLUGINS:
        plugin = getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), detector)
        patterns.extend(p.pattern for p in plugin.denylist)
    return re.compile("|".join(f"(?:{p})" for p in patterns))
