"""The benchmark's simulated platform, one per test module (its JWKS server runs on loopback)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.platform_simulator import PlatformSimulator


@pytest.fixture(scope="module")
def simulator() -> Iterator[PlatformSimulator]:
    with PlatformSimulator() as running:
        yield running
