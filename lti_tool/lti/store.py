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

from lti_tool.db import Database, db_work


class EphemeralStore(Protocol):
    def put(self, key: str, value: dict[str, Any], ttl: int) -> None: ...

    def get(self, key: str) -> dict[str, Any] | None: ...

    def take(self, key: str) -> dict[str, Any] | None:
        """Return the value and delete it, atomically: a second ``take`` gets ``None``."""

    def add_once(self, key: str, ttl: int) -> bool:
        """Remember ``key``; ``False`` if it was already there (a replay)."""


def _dump(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class DatabaseStore:
    """Inside a request the statements join the request's unit of work, and the view commits
    (so a launch is one transaction); elsewhere (CLI, worker) each call commits on its own.

    These few statements run on every launch, so they go to the driver's cursor as SQL text in
    its own parameter style: SQLAlchemy's statement compilation, execution context and type
    processing cost several times what SQLite or PostgreSQL take to run them.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        p = "%s" if database.engine.dialect.name == "postgresql" else "?"
        table = "ephemeral_value"
        self._put = (f"INSERT INTO {table} (key, value, expires_at) VALUES ({p}, {p}, {p}) "
                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value, "
                     "expires_at = excluded.expires_at")
        self._get = f"SELECT value, expires_at FROM {table} WHERE key = {p}"
        self._take = f"DELETE FROM {table} WHERE key = {p} RETURNING value, expires_at"
        # An expired entry no longer guards anything: the key may be taken again.
        self._add_once = (f"INSERT INTO {table} (key, value, expires_at) VALUES ({p}, {p}, {p}) "
                          f"ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at "
                          f"WHERE {table}.expires_at <= {p}")
        self._purge = f"DELETE FROM {table} WHERE expires_at <= {p}"

    @contextmanager
    def _cursor(self, *, write: bool = True) -> Iterator[Any]:
        if has_request_context():
            work = db_work()
            yield work.write_cursor() if write else work.cursor()
        else:
            with self.database.begin() as connection:
                yield connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        with self._cursor() as cursor:
            cursor.execute(self._put, (key, _dump(value), int(time.time()) + ttl))

    def get(self, key: str) -> dict[str, Any] | None:
        with self._cursor(write=False) as cursor:
            row = cursor.execute(self._get, (key,)).fetchone()
        return _live(row)

    def take(self, key: str) -> dict[str, Any] | None:
        with self._cursor() as cursor:
            # fetchall: the driver finishes the DELETE before the transaction moves on.
            rows = cursor.execute(self._take, (key,)).fetchall()
        return _live(rows[0] if rows else None)

    def add_once(self, key: str, ttl: int) -> bool:
        now = int(time.time())
        with self._cursor() as cursor:
            cursor.execute(self._add_once, (key, b"1", now + ttl, now))
            return bool(cursor.rowcount == 1)

    def purge_expired(self) -> int:
        with self._cursor() as cursor:
            cursor.execute(self._purge, (int(time.time()),))
            return int(cursor.rowcount or 0)


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
        return None if raw is None else json.loads(raw)  # type: ignore[arg-type]

    def take(self, key: str) -> dict[str, Any] | None:
        raw = self.client.getdel(self.prefix + key)
        return None if raw is None else json.loads(raw)  # type: ignore[arg-type]

    def add_once(self, key: str, ttl: int) -> bool:
        return bool(self.client.set(self.prefix + key, b"1", ex=ttl, nx=True))


def make_store(database: Database, redis_url: str | None) -> EphemeralStore:
    return RedisStore(redis_url) if redis_url else DatabaseStore(database)
