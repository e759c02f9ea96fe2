"""INSERT … ON CONFLICT for the two databases Worklink runs on."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def insert_for(connection: Connection, table: Any) -> Any:
    """The dialect's ``insert`` (SQLite and PostgreSQL both know ON CONFLICT)."""
    return insert_for_dialect(connection.dialect.name, table)


def insert_for_dialect(dialect_name: str, table: Any) -> Any:
    if dialect_name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
