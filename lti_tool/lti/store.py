"""Short-lived values every worker can see: OIDC state (with its nonce) and launch data.

The database is the default backend, so one SQLite file or one PostgreSQL server is all a school
needs; Redis takes over when ``WORKLINK_REDIS_URL`` is set. Both make ``take`` atomic, which is
what makes a state (and the nonce bound to it) single-use across workers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from flask import has_request_context

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.engine import Connection

from competencies.orm import utcnow
from lti_tool.db import Database, db_work
from lti_tool.models import EphemeralValue


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

    The statements are built once: constructing a SQLAlchemy statement per call costs more CPU
    than SQLite takes to run it.
    """

    _table = EphemeralValue.__table__

    def __init__(self, database: Database) -> None:
        self.database = database
        dialect = database.engine.dialect.name
        table = self._table
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(
            key=bindparam("k"), value=bindparam("v"), expires_at=bindparam("e"))
        self._put = insert.on_conflict_do_update(
            index_elements=["key"], set_={"value": insert.excluded.value,
                                          "expires_at": insert.excluded.expires_at})
        self._insert = table.insert().values(key=bindparam("k"), value=bindparam("v"),
                                             expires_at=bindparam("e"))
        self._get = select(table.c.value, table.c.expires_at).where(table.c.key == bindparam("k"))
        self._take = table.delete().where(table.c.key == bindparam("k")).returning(
            table.c.value, table.c.expires_at)
        self._delete_expired_key = table.delete().where(
            table.c.key == bindparam("k"), table.c.expires_at <= bindparam("now"))

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        if has_request_context():
            yield db_work().connection
        else:
            with self.database.begin() as connection:
                yield connection

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        expires = utcnow() + dt.timedelta(seconds=ttl)
        with self._transaction() as conn:
            conn.execute(self._put, {"k": key, "v": _dump(value), "e": expires})

    def get(self, key: str) -> dict[str, Any] | None:
        with self._transaction() as conn:
            row = conn.execute(self._get, {"k": key}).first()
        if row is None or row.expires_at <= utcnow():
            return None
        return json.loads(row.value)  # type: ignore[no-any-return]

    def take(self, key: str) -> dict[str, Any] | None:
        with self._transaction() as conn:
            row = conn.execute(self._take, {"k": key}).first()
        if row is None or row.expires_at <= utcnow():
            return None
        return json.loads(row.value)  # type: ignore[no-any-return]

    def add_once(self, key: str, ttl: int) -> bool:
        now = utcnow()
        with self._transaction() as conn:
            # An expired entry no longer guards anything; clear it so the key can be reused.
            conn.execute(self._delete_expired_key, {"k": key, "now": now})
            try:
                with conn.begin_nested():
                    conn.execute(self._insert, {"k": key, "v": b"1",
                                                "e": now + dt.timedelta(seconds=ttl)})
            except IntegrityError:
                return False
        return True

    def purge_expired(self) -> int:
        table = self._table
        with self._transaction() as conn:
            result = conn.execute(table.delete().where(table.c.expires_at <= utcnow()))
        return int(result.rowcount or 0)


class RedisStore:
    def __init__(self, url: str, prefix: str = "worklink:") -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

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
