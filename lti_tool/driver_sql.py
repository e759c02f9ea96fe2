"""Statements for the launch path: built with SQLAlchemy Core, run on the driver's own cursor.

A launch runs the same handful of statements thousands of times a morning. SQLAlchemy's per-call
work (building the statement, its cache key, the execution context, result processing) costs
more than SQLite or PostgreSQL take to run them. So each such statement is written once as Core,
compiled once per dialect, and executed on the DB-API cursor with SQLAlchemy's own bind
processors for each column's type: the SQL and the values it sends are exactly what SQLAlchemy
would send, without the per-call bookkeeping.

Python-side column defaults are not applied here: give every value the statement names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement


class DriverStatement:
    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        self.sql: str = compiled.string
        self._positional: tuple[str, ...] | None = (
            tuple(compiled.positiontup or ()) if compiled.positional else None)  # type: ignore[attr-defined]
        self._processors: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():  # type: ignore[attr-defined]
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._processors[name] = processor

    def parameters(self, values: Mapping[str, Any]) -> Any:
        """The values in the driver's parameter style, converted as their columns' types say."""
        processors = self._processors
        converted = {name: processors[name](value) if name in processors else value
                     for name, value in values.items()}
        if self._positional is None:
            return converted
        return tuple(converted[name] for name in self._positional)

    def execute(self, cursor: Any, values: Mapping[str, Any]) -> Any:
        cursor.execute(self.sql, self.parameters(values))
        return cursor


class DriverStatements:
    """Statements compiled lazily, once per key, for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self._compiled: dict[str, DriverStatement] = {}

    def get(self, key: str, build: Callable[[], ClauseElement]) -> DriverStatement:
        statement = self._compiled.get(key)
        if statement is None:
            statement = self._compiled[key] = DriverStatement(build(), self.dialect)
        return statement
