"""SEC001's known credential shapes are detect-secrets' own, copied so that an audit need not import it."""

from __future__ import annotations

import importlib

from cynic.rules.python._secret_shapes import DETECT_SECRETS_SHAPES

# The detect-secrets plugins whose key patterns SEC001 searches, in the order they are copied.
PLUGINS = (
    ("aws", "AWSKeyDetector"), ("github_token", "GitHubTokenDetector"), ("gitlab_token", "GitLabTokenDetector"),
    ("openai", "OpenAIDetector"), ("private_key", "PrivateKeyDetector"), ("slack", "SlackDetector"),
    ("stripe", "StripeDetector"), ("sendgrid", "SendGridDetector"), ("twilio", "TwilioKeyDetector"),
    ("pypi_token", "PypiTokenDetector"), ("npm", "NpmDetector"), ("telegram_token", "TelegramBotTokenDetector"),
    ("discord", "DiscordBotTokenDetector"), ("mailchimp", "MailchimpDetector"), ("azure_storage_key", "AzureStorageKeyDetector"),
    ("jwt", "JwtTokenDetector"),
)


def test_the_copied_shapes_are_the_installed_detect_secrets_patterns() -> None:
    installed = [
        pattern.pattern
        for module, detector in PLUGINS
        for pattern in getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), detector).denylist
    ]

    assert [pattern for pattern, _ in DETECT_SECRETS_SHAPES] == installed

