"""The engine and the request's unit of work, on the real database."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

import lti_tool.db as db_module
from lti_tool.db import Database, UnitOfWork, make_engine


def _terminate_backend(url: str, pid: int) -> None:
    """The server drops a connection under its client (a restart, an idle timeout)."""
    killer = create_engine(url, poolclass=NullPool)
    with killer.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()


def test_an_idle_server_connection_the_server_dropped_is_replaced_before_use(
        database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("only a server database drops idle connections (SQLite has none to drop)")
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        _terminate_backend(database_url, first)
        # Once it has been idle long enough, the checkout tests it and swaps in a new one.
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        with engine.connect() as conn:
            second = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        assert second != first
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(database_url: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The trade against pool_pre_ping, shown: no round trip while a connection is busy, so a
    connection killed in that window fails its next statement, once, and is then replaced."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite connections are never pinged")
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 3600.0)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            first = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        _terminate_backend(database_url, first)
        with pytest.raises(OperationalError), engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        with engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != first
    finally:
        engine.dispose()


def _count(work: UnitOfWork) -> int:
    return int(work.connection.execute(text("SELECT count(*) FROM ephemeral_value")).scalar_one())


_INSERT = text("INSERT INTO ephemeral_value (key, value, expires_at) VALUES (:key, 'x', 1)")


def test_a_request_runs_core_statements_and_its_orm_session_on_one_connection(
        fresh_database_url: str) -> None:
    database = Database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        work.writer.execute(_INSERT, {"key": "core"})
        assert work.session.connection().connection.driver_connection is \
            work.connection.connection.driver_connection
        # The session sees the Core write before any commit: the same transaction.
        assert work.session.execute(text("SELECT count(*) FROM ephemeral_value")).scalar_one() == 1
        assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        work.close()
        assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        database.dispose()


def test_what_a_request_leaves_uncommitted_is_rolled_back_and_its_commit_keeps_everything(
        fresh_database_url: str) -> None:
    database = Database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        work.writer.execute(_INSERT, {"key": "left"})
        work.close()  # never committed
        work = UnitOfWork(database)
        assert _count(work) == 0
        work.writer.execute(_INSERT, {"key": "core"})
        work.session.execute(_INSERT, {"key": "orm"})
        work.session.commit()  # a page commits through its session: the Core write goes too
        work.close()
        work = UnitOfWork(database)
        assert _count(work) == 2
        work.close()
    finally:
        database.dispose()


def test_a_write_after_a_commit_takes_the_write_lock_again(fresh_database_url: str) -> None:
    """SQLite: a writer after the session committed begins IMMEDIATE again, not a stale DEFERRED."""
    database = Database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        work.writer.execute(_INSERT, {"key": "a"})
        work.session.commit()
        work.connection.execute(text("SELECT 1"))  # a read opens a transaction
        work.writer.execute(_INSERT, {"key": "b"})
        work.commit()
        work.close()
        work = UnitOfWork(database)
        assert _count(work) == 2
        work.close()
    finally:
        database.dispose()


def test_a_connection_that_died_inside_a_request_is_not_handed_to_the_next(
        fresh_database_url: str) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("only a server database drops connections")
    database = Database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        pid = work.writer.execute(text("SELECT pg_backend_pid()")).scalar_one()
        _terminate_backend(fresh_database_url, pid)
        with pytest.raises(OperationalError):
            work.writer.execute(_INSERT, {"key": "k"})
        work.close()  # the request's teardown: its rollback meets the dead connection
        work = UnitOfWork(database)
        assert work.connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
        work.close()
    finally:
        database.dispose()
