"""Fixtures for format tests: the hand-authored files in tests/competencies/fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def fixture_path() -> Path:
    return FIXTURES
