"""The shared ephemeral store behaves the same on the database and on Redis."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy.engine import Connection

from lti_tool.app import create_app
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.lti.services import lti_services
from lti_tool.lti.store import DatabaseStore, EphemeralStore, RedisStore
from lti_tool.models import Registration
from tests.lti_tool.lti.conftest import Flow, Platform


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest, app: Flask) -> Iterator[EphemeralStore]:
    if request.param == "database":
        with app.app_context():
            yield DatabaseStore(lti_services(app).store.database)  # type: ignore[attr-defined]
    else:
        yield RedisStore(request.getfixturevalue("redis_url"), prefix=f"worklink-test-{uuid.uuid4().hex}:")


def test_take_is_single_use(store: EphemeralStore) -> None:
    store.put("state:x", {"nonce": "n"}, 60)
    assert store.get("state:x") == {"nonce": "n"}
    assert store.take("state:x") == {"nonce": "n"}
    assert store.take("state:x") is None


def test_add_once_detects_a_replay(store: EphemeralStore) -> None:
    assert store.add_once("jti:1", 60) is True
    assert store.add_once("jti:1", 60) is False
    assert store.add_once("jti:2", 60) is True


def test_expired_values_are_gone(store: EphemeralStore) -> None:
    if isinstance(store, RedisStore):
        # Redis expires keys itself; what Worklink owns is writing each value with its lifetime.
        store.put("state:old", {"a": 1}, 30)
        assert store.add_once("jti:old", 45) is True
        assert 0 < store.client.ttl(store.prefix + "state:old") <= 30
        assert 30 < store.client.ttl(store.prefix + "jti:old") <= 45
        return
    store.put("state:old", {"a": 1}, -1)
    assert store.get("state:old") is None
    assert store.take("state:old") is None


def test_launch_works_with_redis_as_the_shared_store(config: Config, connection: Connection,
                                                     platform: Platform, registration: Registration,
                                                     redis_url: str) -> None:
    app = create_app(dataclasses.replace(config, redis_url=redis_url),
                     database=Database(config.database_url, bind=connection))
    assert isinstance(lti_services(app).store, RedisStore)
    flow = Flow(app.test_client(), platform)
    state, nonce = flow.login()
    token = platform.sign(platform.claims(nonce))
    assert flow.post(token, state).status_code == 200
    assert flow.post(token, state).headers["X-Worklink-Error"] == "state_not_found"


def test_redis_threads_share_values_and_a_take_wins_once(redis_url: str) -> None:
    """Each worker thread holds its own Redis connection; what one puts, another takes, once."""
    import threading

    store = RedisStore(redis_url, prefix=f"worklink-test-{uuid.uuid4().hex}:")
    store.put("state:shared", {"nonce": "n"}, 60)
    taken: list[object] = []
    clients: list[object] = []

    def take() -> None:
        clients.append(store.client)
        taken.append(store.take("state:shared"))

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(map(str, taken)) == ["None", "None", "None", "{'nonce': 'n'}"]
    assert len({id(client) for client in clients}) == 4 and store.client not in clients
