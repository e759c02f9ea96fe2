"""The engine and the request's unit of work, on the real database."""

from __future__ import annotations

import gc
import threading

import psycopg
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


def _kept_database(url: str) -> Database:
    database = Database(url)
    database.keep_connections()
    return database


def _driver(work: UnitOfWork) -> object:
    return work.connection.connection.driver_connection


def test_a_thread_keeps_its_connection_between_units_of_work_but_not_their_data(
        fresh_database_url: str) -> None:
    database = _kept_database(fresh_database_url)
    try:
        first = UnitOfWork(database)
        driver = _driver(first)
        first.write_cursor().execute(
            "INSERT INTO ephemeral_value (key, value, expires_at) VALUES ('left', 'x', 1)")
        first.close()  # never committed
        second = UnitOfWork(database)
        assert _driver(second) is driver
        rows = second.cursor().execute("SELECT count(*) FROM ephemeral_value").fetchall()
        assert rows[0][0] == 0
        second.close()
    finally:
        database.dispose()


def test_each_thread_has_its_own_connection_and_gives_it_back_when_it_ends(
        fresh_database_url: str) -> None:
    database = _kept_database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        mine = _driver(work)
        work.close()
        theirs: list[object] = []

        def serve_one_request() -> None:
            other = UnitOfWork(database)
            theirs.append(_driver(other))
            other.close()

        thread = threading.Thread(target=serve_one_request)
        thread.start()
        thread.join()
        assert theirs and theirs[0] is not mine
        assert database.engine.pool.checkedout() == 2  # type: ignore[attr-defined]
        del thread
        gc.collect()
        assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
    finally:
        database.dispose()


def test_a_kept_connection_the_server_dropped_while_idle_is_replaced(
        fresh_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("only a server database drops idle connections")
    database = _kept_database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        pid = work.connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
        work.close()
        _terminate_backend(fresh_database_url, pid)
        monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        work = UnitOfWork(database)
        assert work.connection.execute(text("SELECT pg_backend_pid()")).scalar_one() != pid
        work.close()
    finally:
        database.dispose()


def test_a_connection_that_died_inside_a_request_is_not_handed_to_the_next(
        fresh_database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """The hot path runs on the driver's cursor, where SQLAlchemy never sees a disconnect: the
    unit of work must notice at its rollback and give the next request a new connection."""
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("only a server database drops connections")
    database = _kept_database(fresh_database_url)
    try:
        work = UnitOfWork(database)
        cursor = work.write_cursor()
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
        _terminate_backend(fresh_database_url, pid)
        with pytest.raises(psycopg.OperationalError):
            cursor.execute("INSERT INTO ephemeral_value (key, value, expires_at) "
                           "VALUES ('k', 'v', 1)")
        work.close()  # the request's teardown: its rollback meets the dead connection
        assert "rollback failed" in caplog.text
        work = UnitOfWork(database)
        cursor = work.cursor()
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
        work.close()
    finally:
        database.dispose()
