"""What a secret looks like: secret-named variables, placeholder values, and known key shapes.

Known shapes (AWS, GitHub, Slack, Stripe, private keys...) are detect-secrets' plugin patterns,
plus a few newer shapes it does not know yet (`_secret_shapes`).
"""

from __future__ import annotations

import re
from functools import cache

from cynic.lazy_pattern import lazy_compile
from cynic.rules.python._secret_shapes import DETECT_SECRETS_SHAPES, NEWER_SHAPES, Clue

_WORD_SPLIT = lazy_compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")
_SECRET_WORDS = frozenset({"secret", "password", "passwd", "pwd", "passphrase", "pass", "token", "apikey", "credential", "credentials", "privatekey"})
_NOT_SECRET_LAST = frozenset(
    {"url", "uri", "urls", "endpoint", "path", "file", "dir", "name", "names", "id", "type", "field", "length", "len",
     "min", "max", "expire", "expires", "expiry", "minutes", "seconds", "hours", "days", "ttl", "algorithm", "alg",
     "header", "prefix", "env", "var", "label", "hint", "regex", "pattern", "policy", "enabled", "required",
     "rounds", "scheme", "format", "cookie", "limit", "count", "size", "location", "mode", "version", "lifetime",
     "description", "title", "placeholder", "message", "error", "reset", "form", "input", "key_name"}
)
_SECRET_KEY_QUALIFIERS = frozenset(
    {"api", "secret", "private", "signing", "sign", "encryption", "encrypt", "crypto", "access", "auth", "jwt", "master",
     "client", "app", "license", "service", "hmac", "webhook", "session", "fernet", "aes", "stripe", "openai",
     "anthropic", "aws", "sendgrid", "mailgun", "twilio", "google", "github", "slack", "recaptcha", "captcha", "admin",
     "write", "read", "deploy", "ssh", "gpg", "pgp", "rsa", "ec", "cipher", "vapid", "turnstile", "x"}
)
_SETTING_WORDS = {
    # fetch's `credentials` option and `Request.credentials`: a mode, not a credential
    "credentials": frozenset({"include", "same-origin", "omit"}),
}
# `TOKEN_STORAGE_KEY`, `ACCESS_TOKEN_KEY`: the name of a slot that holds a secret, not the secret.
_SLOT_QUALIFIERS = frozenset({"token", "storage", "cache", "cookie", "header", "param", "query", "field", "state", "persist", "local", "lookup"})
# Keys their vendors publish to browsers by design: `RECAPTCHA_SITE_KEY`, `ALGOLIA_SEARCH_KEY`, `VAPID_PUBLIC_KEY`.
_PUBLIC_QUALIFIERS = frozenset({"public", "publishable", "site", "search"})
# Publishable values: Stripe `pk_live_...` / `pk_test_...`, Mapbox public tokens `pk.eyJ...`.
_PUBLISHABLE_VALUE = lazy_compile(r"^(?:pk_(?:live|test)_|pk\.eyJ)")
# Letters and at least two digits, 16 characters or more: `a8f3...`, not `cynicFingerprint/v1`.
_RANDOM_LOOKING = lazy_compile(r"(?=(?:.*[0-9]){2})(?=.*[A-Za-z])[A-Za-z0-9+/=_\-]{16,}")
_PLACEHOLDER = lazy_compile(
    r"^(?:<[^>]*>|\{\{.*\}\}|\$\{.*\}|x{3,}|\*{3,}|\.{3}|change[-_ ]?(?:me|this|it)\w*|replace[-_ ]?me\w*|your[-_ ].*"
    r"|placeholder|example|dummy|todo|tbd|none|null|undefined|true|false|fake\w*|secret|password)$",
    re.I,
)
_URL_CREDENTIALS = lazy_compile(r"\b[a-z][a-z0-9+.-]*://(?P<user>[^\s:/@'\"]+):(?P<secret>[^\s/@'\"]+)@[^\s'\"]+", re.I)


def words(name: str) -> list[str]:
    """`JWT_SECRET_KEY` / `jwtSecretKey` -> ["jwt", "secret", "key"]."""
    return [w.lower() for w in _WORD_SPLIT.split(name) if w]


def is_secret_name(name: str) -> bool:
    """True for names that hold secrets: `SECRET_KEY`, `db_password`, `GITHUB_TOKEN`, `stripeApiKey`."""
    parts = words(name)
    if not parts or parts[-1] in _NOT_SECRET_LAST:
        return False
    if parts[-1] in ("key", "keys") and len(parts) > 1 and parts[-2] in _SLOT_QUALIFIERS | _PUBLIC_QUALIFIERS:
        return False
    joined = "".join(parts)
    if any(p in _SECRET_WORDS for p in parts) or any(w in joined for w in ("apikey", "privatekey", "secretkey", "password")):
        return True
    return parts[-1] in ("key", "keys") and len(parts) > 1 and parts[-2] in _SECRET_KEY_QUALIFIERS


def is_named_secret(name: str, value: str) -> bool:
    """A literal that is a secret by its name (`JWT_SECRET = "..."`), by a password in a URL, or
    a random-looking value of some other `*_KEY` (`MAPS_KEY = "a9F3..."`, not `ROOT_KEY = "__root__"`)."""
    if url_with_credentials(value):
        return True
    if _is_setting_word(name, value):
        return False
    if is_secret_name(name):
        return is_secret_value(value, name)
    parts = words(name)
    if len(parts) > 1 and parts[-2] in _PUBLIC_QUALIFIERS | _SLOT_QUALIFIERS:
        return False
    return bool(parts) and parts[-1] in ("key", "keys") and bool(_RANDOM_LOOKING.fullmatch(value))


def _is_setting_word(name: str, value: str) -> bool:
    """True for a secret-sounding option set to one of its fixed modes: `credentials: "include"`."""
    parts = words(name)
    return bool(parts) and value.strip().lower() in _SETTING_WORDS.get(parts[-1], frozenset())


def is_placeholder(value: str) -> bool:
    """`changethis`, `your-api-key`, `<token>`, `xxx`: a value no one would deploy as a secret."""
    value = value.strip().strip("'\"")
    lowered = value.lower()
    return bool(_PLACEHOLDER.match(value)) or any(w in lowered for w in ("changeme", "changethis", "your-", "your_", "example-", "example_"))


def is_secret_value(value: str, name: str = "") -> bool:
    """A literal that could be a secret, rather than a label, a path, a template or an env var name."""
    value = value.strip()
    if len(value) < 3 or any(c.isspace() for c in value) or value.lower() in (name.lower(), *words(name)):
        return False  # `POSTGRES_PASSWORD=postgres`, `password = "password"`: a default, not a secret
    if _PUBLISHABLE_VALUE.match(value):
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9_]*_[A-Z0-9_]+", value) or value.startswith(("/", "http://", "https://", "${", "{{", "%(")):
        return bool(_URL_CREDENTIALS.search(value)) and not _credential_is_placeholder(value)
    return True


def url_with_credentials(text: str) -> bool:
    """`postgresql://user:realpass@host/db`: a password embedded in a connection URL."""
    return bool(_URL_CREDENTIALS.search(text)) and not _credential_is_placeholder(text)


def _credential_is_placeholder(text: str) -> bool:
    match = _URL_CREDENTIALS.search(text)
    secret = match.group("secret") if match else ""
    user = match.group("user") if match else ""
    if secret == user:
        return True  # `postgres:postgres@db`: the image's default, not a secret
    if secret.lower() in ("pass", "pwd", "pw", "passwd", "secret", "password"):
        return True
    return not secret or secret.startswith(("$", "{", "%", "<")) or set(secret) <= {"*", "x", "X"} or is_placeholder(secret)


def secret_shape(text: str) -> bool:
    """True when the text contains a known credential shape (AWS key id, GitHub token, PEM key...)."""
    if len(text) < 16:
        return False
    for clue, shapes in _shapes():  # a loop, not any(): most texts are short, and this runs for each
        if clue is None or (clue in text if isinstance(clue, str) else clue.search(text)):
            for shape in shapes:
                if shape.search(text):
                    return True
    return False


@cache
def _shapes() -> tuple[tuple[Clue, tuple[re.Pattern[str], ...]], ...]:
    """The known shapes, each compiled on its own (a text has a shape iff one of them matches),
    under what every match of them contains; shapes that share it are searched after one look."""
    families: dict[Clue, list[re.Pattern[str]]] = {}
    for pattern, clue in (*NEWER_SHAPES, *DETECT_SECRETS_SHAPES):
        families.setdefault(clue, []).append(lazy_compile(pattern))  # compiled if its clue is met
    return tuple((clue, tuple(shapes)) for clue, shapes in families.items())
