"""Every row of every table, in primary-key order: to show a refused import changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, select, text
from sqlalchemy.orm import Session


def dump(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows (every column) in primary-key order, and on PostgreSQL each sequence's
    position too (a sequence moves even when the insert that moved it is rolled back)."""
    session.flush()
    # Reflected, not our models' metadata: a table no imported module maps is still compared.
    metadata = MetaData()
    metadata.reflect(bind=session.connection())
    tables: dict[str, list[tuple[Any, ...]]] = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        tables[table.name] = [tuple(row) for row in session.execute(select(table).order_by(*order))]
    if session.get_bind().dialect.name == "postgresql":
        tables["(sequences)"] = [tuple(row) for row in session.execute(text(
            "SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename"))]
    return tables
