from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
collect_ignore_glob = ["fixtures/*"]  # fixture apps carry their own test files: data, not our tests


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES
