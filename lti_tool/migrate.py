"""Alembic, driven from code: ``worklink db upgrade`` and the test fixtures call this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, MetaData
from sqlalchemy.engine import Connection

MIGRATIONS = Path(__file__).parent / "migrations"


def metadata() -> MetaData:
    """The metadata of every table, domain and shell."""
    import competencies.audit  # noqa: F401  (the audit log)
    import competencies.models  # noqa: F401  (registers the domain tables)
    import competencies.partners  # noqa: F401  (partners, placements, employer links)
    import competencies.scoring  # noqa: F401  (ratings and final scores)
    import competencies.tasks  # noqa: F401  (and the work-based-learning task tables)
    import competencies.work.model  # noqa: F401  (submissions, artifacts, student voice)
    import lti_tool.models  # noqa: F401
    from competencies.orm import Base

    return Base.metadata


SEARCH_OBJECTS = frozenset({
    "search_vector", "ix_item_search_vector", "ix_item_code_lower", "ix_item_code_nocase",
    "item_search", "item_search_data", "item_search_idx", "item_search_docsize",
    "item_search_config",
})
"""The full-text search objects of migration 0003, which the ORM does not model (a generated
column and its indexes on PostgreSQL; an FTS5 table and its shadow tables on SQLite)."""


def include_object(obj: object, name: str | None, type_: str, reflected: bool,
                   compare_to: object | None) -> bool:
    """Autogenerate's filter: leave the search objects alone instead of dropping them."""
    return not (reflected and compare_to is None and name in SEARCH_OBJECTS)


def alembic_config(bind: Engine | Connection | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if bind is not None:
        cfg.attributes["connection"] = bind
    return cfg


def upgrade(bind: Engine | Connection, revision: str = "heads") -> None:
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            command.upgrade(alembic_config(connection), revision)
    else:
        command.upgrade(alembic_config(bind), revision)


def revision(bind: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    with bind.begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)
