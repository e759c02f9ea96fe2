"""Shared fixtures: the app on a real database (SQLite or PostgreSQL), rolled back per test.

Set ``WORKLINK_TEST_DATABASE_URL`` to a PostgreSQL URL whose database name starts with
``worklink_test`` to run the suite on PostgreSQL; the default is a SQLite file.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lti_tool import migrate
from lti_tool.app import create_app
from lti_tool.config import Config, Mode
from lti_tool.db import Database, make_engine
from lti_tool.outbound.addresses import AddressPolicy

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# Hypothesis's default 200 ms deadline per example is a wall-clock assertion: on a loaded
# two-core CI machine it fails examples that are correct. Speed is the benchmarks' to measure.
settings.register_profile("worklink", deadline=None)
settings.load_profile("worklink")


def _is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("WORKLINK_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'worklink-test.db'}"
    name = make_url(url).database or ""
    if not name.startswith("worklink_test"):
        raise pytest.UsageError("WORKLINK_TEST_DATABASE_URL must name a database worklink_test*")
    _recreate_postgres_database(url)
    return url


def _recreate_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """One connection in a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        trans = conn.begin()
        yield conn
        trans.rollback()


@pytest.fixture
def db(connection: Connection) -> Iterator[Session]:
    with Session(bind=connection, join_transaction_mode="create_savepoint",
                 expire_on_commit=False) as session:
        yield session


@pytest.fixture
def config(tmp_path: Path, database_url: str) -> Config:
    return Config(
        mode=Mode.TEST,
        secret_key="test-secret-key-not-for-production",
        database_url=database_url,
        base_url="https://worklink.test",
        instance_dir=tmp_path,
        # The fake platforms listen on 127.0.0.1: an allowance production never has.
        outbound_policy=AddressPolicy.parse(["127.0.0.1"]),
    )


@pytest.fixture
def app(config: Config, connection: Connection) -> Flask:
    return create_app(config, database=Database(config.database_url, bind=connection))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def fresh_database_url(tmp_path: Path, database_url: str) -> Iterator[str]:
    """A database of its own, migrated, for tests that run a real server in another thread."""
    if not _is_postgres(database_url):
        url = f"sqlite:///{tmp_path / 'live.db'}"
    else:
        url = str(make_url(database_url).set(database=f"worklink_test_{uuid.uuid4().hex[:8]}")
                  .render_as_string(hide_password=False))
        _recreate_postgres_database(url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    if _is_postgres(url):
        admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """``WORKLINK_TEST_REDIS_URL`` (default: database 15 on loopback), answering a ping.

    Without a Redis the test is skipped with the reason, unless ``WORKLINK_REQUIRE_REDIS`` is
    set (CI starts Redis and sets it): then it fails, so a Redis test never passes unseen.
    """
    import redis

    url = os.environ.get("WORKLINK_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
    except redis.RedisError as exc:
        message = f"Redis is not reachable at {url}: {exc}"
        if os.environ.get("WORKLINK_REQUIRE_REDIS"):
            pytest.fail(message + " (WORKLINK_REQUIRE_REDIS is set)")
        pytest.skip(message)
    return url


@pytest.fixture
def shared_data() -> Path:
    """The real data files in ../shared/data; the test is skipped, with the reason, without them."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not present: {SHARED_DATA} (see shared/data/README.md)")
    return SHARED_DATA
