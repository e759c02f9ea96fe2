"""The database: one engine per app, one session per request, explicit commits."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)


class Database:
    """Owns the engine and hands out sessions; tests may bind it to one open connection."""

    def __init__(self, url: str, *, bind: Engine | Connection | None = None) -> None:
        self.url = url
        if bind is None:
            bind = make_engine(url)
        self.bind = bind
        self.engine = bind if isinstance(bind, Engine) else bind.engine
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        # A test binds the app to a connection inside a transaction; sessions then work in
        # savepoints so that the test can roll everything back.
        self.sessions: sessionmaker[Session]
        if isinstance(bind, Engine):
            self.sessions = sessionmaker(bind=bind, expire_on_commit=False)
        else:
            self.sessions = sessionmaker(bind=bind, expire_on_commit=False,
                                         join_transaction_mode="create_savepoint")

    def dispose(self) -> None:
        """Close every idle pooled connection."""
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session outside a request (CLI, worker); rolls back whatever was not committed."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction that commits on success (a savepoint under test)."""
        if isinstance(self.bind, Engine):
            with self.bind.begin() as connection:
                yield connection
        else:
            with self.bind.begin_nested():
                yield self.bind

    def init_app(self, app: Flask) -> None:
        app.extensions["worklink.db"] = self
        app.teardown_appcontext(_close_request_session)


class UnitOfWork:
    """One request's connection and transaction, shared by its Core statements and its ORM session.

    A request takes one connection from the pool, on first use, and gives it back when it ends:
    the launch path's Core statements (:attr:`connection`, :attr:`writer`) and the pages' ORM
    session (:attr:`session`, what :func:`db_session` returns) run on it, in one transaction.
    Nothing is durable until a commit (:meth:`commit`, or the session's own ``commit``, which
    ends the same transaction); whatever is left uncommitted when the request ends is rolled
    back. Ask for :attr:`writer` before writing with Core: on SQLite that transaction takes the
    write lock up front.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: Connection | None = None
        self._session: Session | None = None
        self._writing = False

    @property
    def _standalone(self) -> bool:
        return isinstance(self._database.bind, Engine)

    @property
    def connection(self) -> Connection:
        """For reading (and for writing once :attr:`writer` began the transaction)."""
        if not self._standalone:
            # Bound to one connection (the test suite): savepoints on it must nest, so the
            # request's ORM session owns the one transaction both work in.
            return self.session.connection()
        if self._connection is None:
            assert isinstance(self._database.bind, Engine)
            self._connection = self._database.bind.connect()
        return self._connection

    @property
    def session(self) -> Session:
        """The request's ORM session, on the request's connection."""
        if self._session is None:
            if self._standalone:
                # "control_fully": the session's commit and rollback end the connection's
                # transaction, whether Core statements or the session began it, so a page that
                # commits through the session commits everything the request did.
                self._session = self._database.sessions(
                    bind=self.connection, join_transaction_mode="control_fully")
            else:
                self._session = self._database.sessions()
        return self._session

    @property
    def writer(self) -> Connection:
        """For writing: a transaction that holds SQLite's write lock from its first statement."""
        connection = self.connection
        if not self._standalone:
            return connection
        driver = connection.connection.driver_connection
        if not (self._writing and _in_transaction(driver)):
            if connection.in_transaction() or _in_transaction(driver):
                # Only reads so far: end them, so the write transaction starts on fresh data.
                self.commit()
            if self._database.is_sqlite:
                # SQLAlchemy joins a transaction the driver began (see _sqlite_begin).
                driver.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
            self._writing = True
        return connection

    def commit(self) -> None:
        self._writing = False
        if self._session is not None and (self._session.in_transaction()
                                          or not self._standalone):
            self._session.commit()  # ends the connection's transaction too (control_fully)
        elif self._connection is not None:
            self._end(self._connection, commit=True)

    def close(self) -> None:
        """As the request ends: roll back what was not committed, give the connection back."""
        session, connection = self._session, self._connection
        self._session = self._connection = None
        self._writing = False
        if session is not None:
            session.close()
        if connection is None:
            return
        try:
            self._end(connection, commit=False)
        except Exception as exc:
            # The rollback failed (a connection the server dropped): never hand it to the next
            # request. Logged, not raised: this runs as the request ends, whatever its answer was.
            log.warning("discarding a database connection whose rollback failed: %s", exc)
            connection.invalidate()
        connection.close()

    @staticmethod
    def _end(connection: Connection, *, commit: bool) -> None:
        if connection.in_transaction():
            transaction = connection.get_transaction()
            assert transaction is not None
            transaction.commit() if commit else transaction.rollback()
        else:
            # A BEGIN IMMEDIATE with no statement after it yet: only the driver knows.
            driver = connection.connection.driver_connection
            if _in_transaction(driver):
                driver.commit() if commit else driver.rollback()  # type: ignore[union-attr]


def _in_transaction(driver: Any) -> bool:
    # sqlite3 says so directly; psycopg through the server's transaction status.
    in_transaction = getattr(driver, "in_transaction", None)
    if in_transaction is not None:
        return bool(in_transaction)
    return bool(driver.info.transaction_status != 0)  # psycopg.pq.TransactionStatus.IDLE


def db_work() -> UnitOfWork:
    """The request's unit of work, opened on first use."""
    if "db_work" not in g:
        g.db_work = UnitOfWork(database())
    return g.db_work  # type: ignore[no-any-return]


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
    else:
        kwargs.update(pool_size=5, max_overflow=5)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        event.listen(engine, "checkin", _note_checkin)
        event.listen(engine, "checkout", _ping_if_idle)
    return engine


PING_AFTER_IDLE_SECONDS = 5.0
"""A pooled server connection unused this long is tested before a request gets it."""


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    # SQLAlchemy's pool_pre_ping tests every checkout: a round trip on every request. A
    # connection in steady use is alive (and one that dies mid-request fails either way); the
    # ones a server restart or a firewall's idle timeout kill are the idle ones. This is
    # SQLAlchemy's documented "pessimistic, custom" recipe: DisconnectionError makes the pool
    # replace the connection and try again.
    if time.monotonic() - record.info.get("checked_in", 0.0) < PING_AFTER_IDLE_SECONDS:
        return
    if not _answers(dbapi_connection):
        raise DisconnectionError("an idle connection failed its ping")


def _answers(driver: Any) -> bool:
    """Whether a server connection still answers (``SELECT 1``), left outside a transaction."""
    try:
        cursor = driver.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
        driver.rollback()
    except Exception:  # whatever the driver raises for a dead connection
        return False
    return True


SQLITE_BEGIN = "worklink_sqlite_begin"


def _sqlite_begin(connection: Connection) -> None:
    # pysqlite emits no BEGIN of its own before a SAVEPOINT, so a RELEASE would commit for real;
    # SQLAlchemy's documented recipe: take transaction control away from the driver.
    # A write path asks for IMMEDIATE (UnitOfWork.writer): a deferred transaction that reads and
    # then writes after another worker committed fails at once with "database is locked"
    # (SQLITE_BUSY_SNAPSHOT: the busy timeout does not apply); taking the lock up front waits its
    # turn instead. Reads stay DEFERRED, so in WAL mode they never block a writer.
    # A transaction the unit of work began on the driver (BEGIN IMMEDIATE, or the hot path's
    # statements) is the one SQLAlchemy now joins.
    driver = connection.connection.driver_connection
    if not driver.in_transaction:  # type: ignore[union-attr]
        mode = connection.get_execution_options().get(SQLITE_BEGIN, "DEFERRED")
        driver.execute(f"BEGIN {mode}")  # type: ignore[union-attr]


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
    """The request's ORM session, on the request's one connection, opened on first use."""
    return db_work().session


def _close_request_session(_exc: BaseException | None) -> None:
    work = g.pop("db_work", None)
    if work is not None:
        work.close()
