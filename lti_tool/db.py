"""The database: one engine per app, one session per request, explicit commits."""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, g
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from lti_tool.driver_sql import DriverStatements

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
        self.statements = DriverStatements(self.engine.dialect)
        """The launch path's statements, compiled once for this database's dialect."""
        # A test binds the app to a connection inside a transaction; sessions then work in
        # savepoints so that the test can roll everything back.
        join = {} if isinstance(bind, Engine) else {"join_transaction_mode": "create_savepoint"}
        self.sessions = sessionmaker(bind=bind, expire_on_commit=False, **join)
        self._kept: KeptConnections | None = None

    def keep_connections(self) -> None:
        """Keep each thread's request connection open between its requests.

        For long-lived worker threads (gunicorn's): taking a connection out of the pool and
        putting it back costs more than a launch's own statements. Django calls these
        persistent connections. A thread that ends gives its connection back to the pool.
        """
        if isinstance(self.bind, Engine) and self._kept is None:
            self._kept = KeptConnections(self.bind, ping_when_idle=not self.is_sqlite)

    def dispose(self) -> None:
        """Close this thread's kept connection and every idle pooled one."""
        if self._kept is not None:
            self._kept.close_this_thread()
        self.engine.dispose()

    def request_connection(self) -> Connection:
        """The connection a request's unit of work uses; give it back with ``release``."""
        assert isinstance(self.bind, Engine)
        return self._kept.take() if self._kept is not None else self.bind.connect()

    def release(self, connection: Connection) -> None:
        """After the unit of work ended its transaction."""
        if self._kept is not None:
            self._kept.put_back()
        else:
            connection.close()

    def discard(self, connection: Connection) -> None:
        """A connection in an unknown state: closed for good, its pool slot freed."""
        connection.invalidate()
        connection.close()
        if self._kept is not None:
            self._kept.close_this_thread()

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
    """One request's connection and transaction, for the paths where every statement counts.

    Nothing is durable until :meth:`commit`; whatever is left uncommitted when the request ends
    is rolled back. After a commit the next statement starts a new transaction. Core statements
    go through :attr:`connection`; the launch path's hot statements run on :meth:`cursor`, the
    same DB-API connection in the same transaction (see :mod:`lti_tool.driver_sql`). Ask for
    :attr:`writer` or :meth:`write_cursor` before writing: on SQLite that transaction takes the
    write lock up front.
    """

    def __init__(self, database: Database) -> None:
        self._database = database
        self._connection: Connection | None = None
        self._writing = False
        self.statements = database.statements

    @property
    def _standalone(self) -> bool:
        return isinstance(self._database.bind, Engine)

    @property
    def connection(self) -> Connection:
        """For reading (and for writing once :attr:`writer` began the transaction)."""
        if not self._standalone:
            # Bound to one connection (the test suite): savepoints on it must nest, so the
            # request's ORM session owns the one transaction both work in. With an engine they
            # are separate connections, as in production.
            return db_session().connection()
        if self._connection is None:
            self._connection = self._database.request_connection()
        return self._connection

    @property
    def writer(self) -> Connection:
        """For writing: a transaction that holds SQLite's write lock from its first statement."""
        connection = self.connection
        if self._standalone and not self._writing:
            driver = connection.connection.driver_connection
            if _in_transaction(driver):
                # Only reads so far: end them, so the write transaction starts on fresh data.
                self._end(commit=True)
            if self._database.is_sqlite:
                driver.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
            self._writing = True
        return connection

    def cursor(self) -> Any:
        """A DB-API cursor in this unit's transaction, for reading."""
        return self.connection.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def write_cursor(self) -> Any:
        """A DB-API cursor in this unit's write transaction."""
        return self.writer.connection.driver_connection.cursor()  # type: ignore[union-attr]

    def commit(self) -> None:
        if not self._standalone:
            db_session().commit()
            return
        self._end(commit=True)

    def close(self) -> None:
        connection = self._connection
        if connection is None:
            return
        try:
            self._end(commit=False)
        except Exception as exc:
            # The rollback failed (a connection the server dropped, seen by the driver's own
            # cursor where SQLAlchemy could not mark it): never hand it to the next request.
            # Logged, not raised: this runs as the request ends, whatever its answer was.
            log.warning("discarding a database connection whose rollback failed: %s", exc)
            self._connection = None
            self._database.discard(connection)
            return
        self._connection = None
        self._database.release(connection)

    def _end(self, *, commit: bool) -> None:
        self._writing = False
        connection = self._connection
        if connection is None:
            return
        if connection.in_transaction():
            # Core statements began it: SQLAlchemy ends it (and the driver's with it).
            transaction = connection.get_transaction()
            assert transaction is not None
            transaction.commit() if commit else transaction.rollback()
        else:
            driver = connection.connection.driver_connection
            if _in_transaction(driver):
                driver.commit() if commit else driver.rollback()  # type: ignore[union-attr]


class KeptConnections:
    """One open connection per thread, reused by each request the thread serves."""

    def __init__(self, engine: Engine, *, ping_when_idle: bool) -> None:
        self._engine = engine
        self._ping_when_idle = ping_when_idle
        self._local = threading.local()

    def take(self) -> Connection:
        local = self._local
        connection: Connection | None = getattr(local, "connection", None)
        if connection is not None and (connection.closed or connection.invalidated):
            connection.close()  # a request hit a dead connection: start afresh
            connection = None
        if (connection is not None and self._ping_when_idle
                and time.monotonic() - local.released > PING_AFTER_IDLE_SECONDS
                and not _answers(connection.connection.driver_connection)):
            connection.invalidate()
            connection.close()
            connection = None
        if connection is None:
            connection = local.connection = self._engine.connect()
            local.released = time.monotonic()
            # Back to the pool when the thread is gone (a threaded dev server's, say).
            weakref.finalize(threading.current_thread(), connection.close)
        return connection

    def put_back(self) -> None:
        self._local.released = time.monotonic()

    def close_this_thread(self) -> None:
        connection: Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


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
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = database().sessions()
    return g.db_session  # type: ignore[no-any-return]


def _close_request_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
    work = g.pop("db_work", None)
    if work is not None:
        work.close()
