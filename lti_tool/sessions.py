"""Browser sessions kept server-side: started by a launch, ended by logout, revocation or idleness.

The browser holds a token signed for :attr:`Purpose.SESSION` that names a ``browser_session``
row; the row decides. So a session ends everywhere at once (logout, an operator revoking a user
or a deployment), ends when unused for ``session_idle_seconds`` and, however active, at
``expires_at``. The rows live in the database even when Redis holds the short-lived values:
an operator must find them by user and by deployment, which a key-value store cannot answer.

How the token travels (cookie, page header, form body) is :mod:`lti_tool.security`'s business;
never in a URL.
"""

from __future__ import annotations

import dataclasses
import secrets
import time
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection

from lti_tool.models import BrowserSession
from lti_tool.signing import Purpose, Signer

TOUCH_EVERY = 60
"""Seconds between writes of ``last_seen_at``: a page view rarely writes."""

_table = cast(Table, BrowserSession.__table__)
_c = _table.c
# Built once: one runs on every launch, the other on every page.
INSERT = insert(_table)
_READ = select(_c.user_id, _c.registration_id, _c.deployment_id, _c.course_id, _c.role,
               _c.launch_id, _c.last_seen_at, _c.expires_at, _c.ended_at).where(
    _c.id == bindparam("session_id"))


@dataclasses.dataclass(frozen=True)
class SessionRow:
    id: str
    user_id: int | None
    registration_id: int | None
    deployment_id: int | None
    course_id: int | None
    role: str
    launch_id: str
    stale: bool
    """``last_seen_at`` is old enough to be refreshed."""


def new_row(signer: Signer, *, user_id: int | None, registration_id: int | None,
            deployment_id: int | None, course_id: int | None, role: str, launch_id: str,
            lifetime: int, now: int | None = None) -> tuple[dict[str, Any], str]:
    """A new session's row (to insert with :data:`INSERT`) and the token that names it."""
    now = int(time.time()) if now is None else now
    session_id = secrets.token_urlsafe(24)
    row = {"id": session_id, "user_id": user_id, "registration_id": registration_id or None,
           "deployment_id": deployment_id, "course_id": course_id, "role": role,
           "launch_id": launch_id, "created_at": now, "last_seen_at": now,
           "expires_at": now + lifetime, "ended_at": None}
    return row, signer.dumps(Purpose.SESSION, session_id, max_age=lifetime, now=now)


def start(conn: Connection, signer: Signer, **session: Any) -> tuple[str, str]:
    """A new session row in ``conn``'s transaction (the caller commits); ``(id, token)``."""
    row, token = new_row(signer, **session)
    conn.execute(INSERT, row)
    return row["id"], token


def session_id_of(signer: Signer, token: str) -> str | None:
    """The session a token names, if the signature holds (no database: forged tokens cost nothing)."""
    value = signer.loads(Purpose.SESSION, token)
    return value if isinstance(value, str) else None


def read(conn: Connection, session_id: str, *, idle: int, now: int | None = None) -> SessionRow | None:
    """The live session, or ``None`` once it was ended, went idle or reached its end."""
    now = int(time.time()) if now is None else now
    row = conn.execute(_READ, {"session_id": session_id}).first()
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    if row.last_seen_at + idle <= now:
        return None
    return SessionRow(session_id, row.user_id, row.registration_id, row.deployment_id,
                      row.course_id, row.role, row.launch_id,
                      stale=now - row.last_seen_at >= TOUCH_EVERY)


def touch(conn: Connection, session_id: str, now: int | None = None) -> None:
    now = int(time.time()) if now is None else now
    conn.execute(update(_table).where(_c.id == session_id, _c.ended_at.is_(None))
                 .values(last_seen_at=now))


def end(conn: Connection, session_id: str, now: int | None = None) -> bool:
    """Logout: this one session."""
    return _end(conn, _c.id == session_id, now) > 0


def end_for_user(conn: Connection, user_id: int, now: int | None = None) -> int:
    """Every live session of one person (the caller commits); how many were ended."""
    return _end(conn, _c.user_id == user_id, now)


def end_for_deployment(conn: Connection, deployment_id: int, now: int | None = None) -> int:
    """Every live session launched through one deployment (one school's install)."""
    return _end(conn, _c.deployment_id == deployment_id, now)


def _end(conn: Connection, condition: object, now: int | None) -> int:
    now = int(time.time()) if now is None else now
    result = conn.execute(update(_table).where(condition, _c.ended_at.is_(None),  # type: ignore[arg-type]
                                               _c.expires_at > now).values(ended_at=now))
    return int(result.rowcount or 0)


def purge(conn: Connection, *, idle: int, now: int | None = None) -> int:
    """Delete rows that can never be live again."""
    now = int(time.time()) if now is None else now
    result = conn.execute(delete(_table).where(or_(
        _c.expires_at <= now, _c.ended_at.is_not(None), _c.last_seen_at + idle <= now)))
    return int(result.rowcount or 0)


def live_by_deployment(conn: Connection, *, idle: int, now: int | None = None) -> dict[int | None, int]:
    """How many sessions are live per deployment (``None``: the operator's own)."""
    now = int(time.time()) if now is None else now
    rows = conn.execute(select(_c.deployment_id, func.count()).where(
        _c.ended_at.is_(None), _c.expires_at > now, _c.last_seen_at + idle > now,
    ).group_by(_c.deployment_id))
    return {deployment: int(count) for deployment, count in rows}
