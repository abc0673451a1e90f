"""Shared pytest options and fixtures."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

# Property tests run a bounded number of examples in CI; AZPIPE_LONG=1 selects the
# long profile for local runs (tests that set max_examples themselves keep theirs).
settings.register_profile("long", max_examples=5_000, deadline=None)
if os.environ.get("AZPIPE_LONG") == "1":
    settings.load_profile("long")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when golden files should be rewritten instead of compared."""
    return bool(request.config.getoption("--update-golden"))
