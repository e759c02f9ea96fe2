"""Per-client counting in the shared store: the database by default, Redis when configured."""

from __future__ import annotations

import os
import uuid

import pytest
from flask import Flask

from lti_tool.lti.services import lti_services
from lti_tool.lti.store import EphemeralStore, RedisStore
from lti_tool.rate_limit import RateLimit


def _exhaust(store: EphemeralStore) -> list[bool]:
    limit = RateLimit(store, f"test-{uuid.uuid4().hex[:8]}", limit=3, window=600)
    return [limit.allow("203.0.113.9") for _ in range(5)] + [limit.allow("203.0.113.10")]


def test_the_database_store_counts_each_client_separately(app: Flask) -> None:
    with app.test_request_context():
        assert _exhaust(lti_services(app).store) == [True, True, True, False, False, True]


def test_redis_counts_the_same_way() -> None:
    url = os.environ.get("WORKLINK_TEST_REDIS_URL")
    if not url:
        pytest.skip("WORKLINK_TEST_REDIS_URL is not set (scripts/test sets it where Redis runs)")
    store = RedisStore(url, prefix=f"worklink-test-{uuid.uuid4().hex[:8]}:")
    assert _exhaust(store) == [True, True, True, False, False, True]
    for key in store.client.scan_iter(store.prefix + "*"):
        store.client.delete(key)


def test_the_next_window_starts_from_zero(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    import time as clock

    now = [1_700_000_000.0]  # 200 s into a 600 s window
    monkeypatch.setattr(clock, "time", lambda: now[0])
    with app.test_request_context():
        limit = RateLimit(lti_services(app).store, "window-test", limit=2, window=600)
        assert [limit.allow("a"), limit.allow("a"), limit.allow("a")] == [True, True, False]
        assert limit.retry_after() == 400
        now[0] += 400  # the next window
        assert limit.allow("a")
