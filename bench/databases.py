"""A database of its own for each benchmark run: a SQLite file, or a PostgreSQL database
recreated from scratch (only ever one named ``worklink_bench*``, never a shared or test one)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, make_url, text


class NotABenchDatabase(ValueError):
    """The URL names a database a benchmark must not drop."""


def recreate_postgres(url: str, *, create: bool = True) -> str:
    """Drop the database ``url`` names (and create it again, unless ``create`` is false)."""
    target = make_url(url)
    if not (target.database or "").startswith("worklink_bench"):
        raise NotABenchDatabase(f"refusing to recreate {target.database!r}: name it worklink_bench*")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()
    return target.render_as_string(hide_password=False)


def fresh_database(dialect: str, workdir: Path, pg_url: str, *, sqlite_name: str) -> str:
    """A new, empty database for ``dialect``: a file in ``workdir``, or ``pg_url`` recreated."""
    if dialect == "sqlite":
        return f"sqlite:///{workdir / sqlite_name}"
    return recreate_postgres(pg_url)
