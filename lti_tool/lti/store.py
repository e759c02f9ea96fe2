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

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from lti_tool.db import Database, db_session
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
    """Each call commits at once. Inside a request it uses the request's session, so a launch
    costs one connection; elsewhere (CLI, worker) a short session of its own."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        if has_request_context():
            session = db_session()
            yield session
            session.commit()
        else:
            with self.database.sessions.begin() as session:
                yield session

    def put(self, key: str, value: dict[str, Any], ttl: int) -> None:
        expires = utcnow() + dt.timedelta(seconds=ttl)
        with self._transaction() as session:
            session.execute(delete(EphemeralValue).where(EphemeralValue.key == key))
            session.execute(insert(EphemeralValue).values(key=key, value=_dump(value), expires_at=expires))

    def get(self, key: str) -> dict[str, Any] | None:
        with self._transaction() as session:
            row = session.execute(
                select(EphemeralValue.value, EphemeralValue.expires_at).where(EphemeralValue.key == key)
            ).first()
        if row is None or row.expires_at <= utcnow():
            return None
        return json.loads(row.value)  # type: ignore[no-any-return]

    def take(self, key: str) -> dict[str, Any] | None:
        with self._transaction() as session:
            row = session.execute(
                delete(EphemeralValue).where(EphemeralValue.key == key)
                .returning(EphemeralValue.value, EphemeralValue.expires_at)
            ).first()
        if row is None or row.expires_at <= utcnow():
            return None
        return json.loads(row.value)  # type: ignore[no-any-return]

    def add_once(self, key: str, ttl: int) -> bool:
        now = utcnow()
        with self._transaction() as session:
            # An expired entry no longer guards anything; clear it so the key can be reused.
            session.execute(delete(EphemeralValue).where(
                EphemeralValue.key == key, EphemeralValue.expires_at <= now))
            try:
                with session.begin_nested():
                    session.execute(insert(EphemeralValue).values(
                        key=key, value=b"1", expires_at=now + dt.timedelta(seconds=ttl)))
            except IntegrityError:
                return False
        return True

    def purge_expired(self) -> int:
        with self._transaction() as session:
            result = session.execute(delete(EphemeralValue).where(EphemeralValue.expires_at <= utcnow()))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


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
