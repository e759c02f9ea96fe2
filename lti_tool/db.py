"""The database: one engine per app, one session per request, explicit commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """Owns the engine and hands out sessions; tests may bind it to one open connection."""

    def __init__(self, url: str, *, bind: Engine | Connection | None = None) -> None:
        self.url = url
        if bind is None:
            bind = make_engine(url)
        self.bind = bind
        self.engine = bind if isinstance(bind, Engine) else bind.engine
        # A test binds the app to a connection inside a transaction; sessions then work in
        # savepoints so that the test can roll everything back.
        join = {} if isinstance(bind, Engine) else {"join_transaction_mode": "create_savepoint"}
        self.sessions = sessionmaker(bind=bind, expire_on_commit=False, **join)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session outside a request (CLI, worker); rolls back whatever was not committed."""
        with self.sessions() as session:
            yield session

    def init_app(self, app: Flask) -> None:
        app.extensions["worklink.db"] = self
        app.teardown_appcontext(_close_request_session)


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    else:
        kwargs.update(pool_pre_ping=True, pool_size=5, max_overflow=5)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(connection: Connection) -> None:
    # pysqlite emits no BEGIN of its own before a SAVEPOINT, so a RELEASE would commit for real;
    # SQLAlchemy's documented recipe: take transaction control away from the driver.
    connection.exec_driver_sql("BEGIN")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    # WAL lets the demo's web workers read while another writes; foreign keys are off by
    # default in SQLite and we rely on them.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def database(app: Flask | None = None) -> Database:
    from flask import current_app

    return (app or current_app).extensions["worklink.db"]  # type: ignore[no-any-return]


def db_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session  # type: ignore[no-any-return]


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
