"""Short-lived values every worker can see: OIDC state (with its nonce) and launch data.

The database is the default backend, so one SQLite file or one PostgreSQL server is all a school
needs; Redis takes over when ``WORKLINK_REDIS_URL`` is set. Both make ``take`` atomic, which is
what makes a state (and the nonce bound to it) single-use across workers.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from flask import has_request_context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from lti_tool.db import Database, db_work


class EphemeralStore(Protocol):
    def put(self, key: str, value: dict[str, Any], ttl: int) -> None: ...

    def get(self, key: str) -> dict[str, Any] | None: ...

    def take(self, key: str) -> dict[str, Any] | None:
        """Return the value and delete it, atomically: a second ``take`` gets ``None``."""

    def add_once(self, key: str, ttl: int) -> bool:
        """Remember ``key``; ``False`` if it was already there (a replay)."""


_TABLE = "ephemeral_value"


def _dump(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class DatabaseStore:
    """Inside a request the statements join the request's unit of work, and the view commits
    (so a launch is one transaction); elsewhere (CLI, worker) each call commits on its own.

    Written as SQL text: the same five statements on every launch, the same on SQLite and
    PostgreSQL (both know ``ON CONFLICT`` and ``RETURNING``).
    """

    _PUT = text(f"INSERT INTO {_TABLE} (key, value, expires_at) VALUES (:key, :value, :expires) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                "expires_at = excluded.expires_at")
    _GET = text(f"SELECT value, expires_at FROM {_TABLE} WHERE key = :key")
    _TAKE = text(f"DELETE FROM {_TABLE} WHERE key = :key RETURNING value, expires_at")
    # An expired entry no longer guards anything: the key may be taken again.
    _ADD_ONCE = text(f"INSERT INTO {_TABLE} (key, value, expires_at) VALUES (:key, :value, :expires) "
                     f"ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at "
                     f"WHERE {_TABLE}.expires_at <= :now")
    _PURGE = text(f"DELETE FROM {_TABLE} WHERE expires_at <= :now")

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def _connection(self, *, write: bool = True) -> Iterator[Connection]:
        if has_request_context():
            work = db_work()
            yield work.writer if write else work.connection
        else:
            with self.database.begin() as connection:
                yield connection

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        with self._connection() as connection:
            connection.execute(self._PUT, {"key": key, "value": _dump(value),
                                           "expires": int(time.time()) + ttl})

    def get(self, key: str) -> dict[str, Any] | None:
        with self._connection(write=False) as connection:
            row = connection.execute(self._GET, {"key": key}).first()
        return _live(row)

    def take(self, key: str) -> dict[str, Any] | None:
        with self._connection() as connection:
            row = connection.execute(self._TAKE, {"key": key}).first()
        return _live(row)

    def add_once(self, key: str, ttl: int) -> bool:
        now = int(time.time())
        with self._connection() as connection:
            result = connection.execute(self._ADD_ONCE, {"key": key, "value": b"1",
                                                         "expires": now + ttl, "now": now})
            return bool(result.rowcount == 1)

    def purge_expired(self) -> int:
        with self._connection() as connection:
            return int(connection.execute(self._PURGE, {"now": int(time.time())}).rowcount or 0)


def _live(row: Any) -> dict[str, Any] | None:
    if row is None or row[1] <= time.time():
        return None
    return json.loads(bytes(row[0]))  # type: ignore[no-any-return]


class RedisStore:
    def __init__(self, url: str, prefix: str = "worklink:") -> None:
        import redis

        self._pool = redis.ConnectionPool.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._redis = redis.Redis
        self._local = threading.local()
        self.prefix = prefix

    @property
    def client(self) -> Any:
        """This thread's client, holding one connection of the shared pool.

        redis-py otherwise takes a connection from the pool and gives it back around every
        command, which costs a quarter of what the command itself does (measured).
        """
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._local.client = self._redis(connection_pool=self._pool,
                                                      single_connection_client=True)
        return client

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        self.client.set(self.prefix + key, _dump(value), ex=ttl)

    def get(self, key: str) -> dict[str, Any] | None:
        raw = self.client.get(self.prefix + key)
        return None if raw is None else json.loads(raw)

    def take(self, key: str) -> dict[str, Any] | None:
        raw = self.client.getdel(self.prefix + key)
        return None if raw is None else json.loads(raw)

    def add_once(self, key: str, ttl: int) -> bool:
        return bool(self.client.set(self.prefix + key, b"1", ex=ttl, nx=True))


def make_store(database: Database, redis_url: str | None) -> EphemeralStore:
    return RedisStore(redis_url) if redis_url else DatabaseStore(database)
