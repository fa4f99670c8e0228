"""SEC001: API keys, passwords, signing keys and tokens written into the code base."""

from __future__ import annotations

from collections.abc import Iterator

from cynic.models import Severity
from cynic.rules.base import FileRule, Hit
from cynic.rules.python._secret_lines import compose_secrets, dockerfile_secrets, dotenv_secrets, script_secrets
from cynic.rules.python._secret_python import python_secrets
from cynic.source import FileKind, SourceFile


class HardcodedSecret(FileRule):
    """A secret written into source, settings defaults, a committed `.env` or a compose file.

    ## What it does
    Flags string literals assigned to secret-named variables, settings fields, keyword
    arguments, dict keys and parameters (`SECRET_KEY`, `JWT_SECRET`, `api_key`, `password`,
    `*_TOKEN`, a secret kind of `*_KEY`, not `PRIMARY_KEY` or `cache_key`), including a
    placeholder default of a settings field (`SECRET_KEY: str = "changethis"`), an
    `os.getenv("SECRET_KEY", "fallback")` default, the key given to `jwt.encode`/`jwt.decode`/
    `hmac.new`, passwords inside connection URLs, and known credential shapes anywhere (AWS
    key ids, GitHub, Slack and Stripe tokens, `sk-` API keys, private key blocks). In a
    committed `.env` it flags real-looking values of secret-named keys (placeholders such as
    `changethis` are not real secrets and are not reported; `.env.example` files are checked for
    credential shapes only); in compose files, literal secret values under `environment:`
    (`${VAR}` interpolation is fine); in Dockerfiles, `ENV`/`ARG` defaults of secret-named
    variables (they stay in the image layers); in TS/JS, `const API_KEY = "..."`,
    `apiKey: "..."` and credential shapes. Values published to browsers by design are not
    secrets: Stripe `pk_live_...` keys, `*_PUBLIC_KEY`, `*_SITE_KEY`, `*_SEARCH_KEY`; nor are
    names of storage slots (`TOKEN_STORAGE_KEY = "app.jwt"`), fetch's `credentials: "include"`,
    or a password equal to its user name (`postgres:postgres@db`, the image's default).

    ## Why is this bad?
    A secret in the repository is shared with everyone who can read it, every fork and CI
    log, forever: it survives in git history after it is deleted (CWE-798). A settings default
    silently becomes the production key when the environment variable is missing, so anyone
    who reads the code can sign tokens for any user.

    ## Example
    ```python app/core/config.py
    class Settings(BaseSettings):
        SECRET_KEY: str = "changethis"
    ```

    ## Use instead
    ```python app/core/config.py
    class Settings(BaseSettings):
        model_config = SettingsConfigDict(env_file=".env")
        SECRET_KEY: SecretStr
    ```

    ## References
    - https://cwe.mitre.org/data/definitions/798.html
    - https://docs.pydantic.dev/latest/concepts/pydantic_settings/
    - https://github.com/Yelp/detect-secrets
    """

    code = "SEC001"
    name = "hardcoded-secret"
    severity = Severity.HIGH
    cwe = (798,)
    fix = "Read the secret from the environment (a `BaseSettings` field with no default, typed `SecretStr`), rotate the exposed value, and keep real values out of committed files."
    kinds = frozenset({FileKind.PYTHON, FileKind.DOTENV, FileKind.COMPOSE, FileKind.SCRIPT, FileKind.DOCKERFILE})
    needs_tree = False

    def check_file(self, source: SourceFile) -> Iterator[Hit]:
        if source.kind is FileKind.PYTHON and source.tree is not None:
            found = python_secrets(source.tree, source.text)
        elif source.kind is FileKind.DOTENV:
            found = list(dotenv_secrets(source.name, source.lines))
        elif source.kind is FileKind.COMPOSE:
            found = list(compose_secrets(source.lines))
        elif source.kind is FileKind.DOCKERFILE:
            found = list(dockerfile_secrets(source.lines))
        else:
            found = list(script_secrets(source.lines))
        seen: set[int] = set()
        for line, message in found:
            if line not in seen:
                seen.add(line)
                yield self.hit(source.path, line, message)

