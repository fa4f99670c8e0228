"""Known credential shapes: a few newer ones and detect-secrets 1.5's plugin patterns.

The detect-secrets patterns are copied (Apache-2.0, like cynic), not imported: importing
detect-secrets loads its scanner and `requests`, which costs more CPU than searching a whole
code base for them. `tests/test_secret_shapes.py` keeps the copy equal to the installed
detect-secrets. They are searched as written, case-sensitively.

Each shape comes with what every match of it contains: a literal (a text without it is not
searched: `in` is many times faster than a search), or for two shapes without a useful one, a
part that `re` finds fast, behind a leading literal, or None. Shapes of one family share their
literal (`PRIVATE KEY`, `gl`), looked for once.
"""

from __future__ import annotations

import re

from cynic.lazy_pattern import lazy_compile

Clue = str | re.Pattern[str] | None

NEWER_SHAPES: tuple[tuple[str, Clue], ...] = (
    (r"\bsk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{20,}", "sk-"),
    (r"\bsk_test_[0-9a-zA-Z]{24,}", "sk_test_"),
    (r"\bAIza[0-9A-Za-z_-]{35}", "AIza"),
    (r"\bgithub_pat_[A-Za-z0-9_]{22,}", "github_pat_"),
    (r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----", "PRIVATE KEY"),
)

DETECT_SECRETS_SHAPES: tuple[tuple[str, Clue], ...] = (
    # AWSKeyDetector
    (r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}", None),
    (r"aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?[\'\"]([0-9a-zA-Z/+]{40})[\'\"]", "aws"),
    # GitHubTokenDetector
    (r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}", "gh"),
    # GitLabTokenDetector
    (r"(glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\-]{20,50}(?!\w)", "gl"),
    (r"GR1348941[A-Za-z0-9_\-]{20,50}(?!\w)", "GR1348941"),
    (r"glcbt-([0-9a-fA-F]{2}_)?[A-Za-z0-9_\-]{20,50}(?!\w)", "gl"),
    (r"glimt-[A-Za-z0-9_\-]{25}(?!\w)", "gl"),
    (r"glptt-[A-Za-z0-9_\-]{40}(?!\w)", "gl"),
    (r"glagent-[A-Za-z0-9_\-]{50,1024}(?!\w)", "gl"),
    (r"gloas-[A-Za-z0-9_\-]{64}(?!\w)", "gl"),
    # OpenAIDetector
    (r"sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", "T3BlbkFJ"),
    # PrivateKeyDetector
    (r"BEGIN DSA PRIVATE KEY", "PRIVATE KEY"),
    (r"BEGIN EC PRIVATE KEY", "PRIVATE KEY"),
    (r"BEGIN OPENSSH PRIVATE KEY", "PRIVATE KEY"),
    (r"BEGIN PGP PRIVATE KEY BLOCK", "PRIVATE KEY"),
    (r"BEGIN PRIVATE KEY", "PRIVATE KEY"),
    (r"BEGIN RSA PRIVATE KEY", "PRIVATE KEY"),
    (r"BEGIN SSH2 ENCRYPTED PRIVATE KEY", "PRIVATE KEY"),
    (r"PuTTY-User-Key-File-2", "PuTTY-User-Key-File-2"),
    # SlackDetector
    (r"xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+", "xox"),
    (r"https://hooks\.slack\.com/services/T[a-zA-Z0-9_]+/B[a-zA-Z0-9_]+/[a-zA-Z0-9_]+", "https://hooks.slack.com/services/T"),
    # StripeDetector
    (r"(?:r|s)k_live_[0-9a-zA-Z]{24}", "k_live_"),
    # SendGridDetector
    (r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}", "SG."),
    # TwilioKeyDetector
    (r"AC[a-z0-9]{32}", "AC"),
    (r"SK[a-z0-9]{32}", "SK"),
    # PypiTokenDetector
    (r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}", "pypi-Ag"),
    (r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}", "pypi-Ag"),
    # NpmDetector
    (r"\/\/.+\/:_authToken=\s*((npm_.+)|([A-Fa-f0-9-]{36})).*", "/:_authToken="),
    # TelegramBotTokenDetector
    (r"\d{8,10}:[0-9A-Za-z_-]{35}", lazy_compile(r":[0-9A-Za-z_-]{35}")),
    # DiscordBotTokenDetector
    (r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}", lazy_compile(r"\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}")),
    # MailchimpDetector
    (r"[0-9a-z]{32}-us[0-9]{1,2}", "-us"),
    # AzureStorageKeyDetector
    (r"AccountKey=[a-zA-Z0-9+\/=]{88}", "AccountKey="),
    # JwtTokenDetector
    (r"eyJ[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]*?", "eyJ"),
)
