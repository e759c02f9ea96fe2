"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from lti_tool.migrate import include_object, metadata


def test_models_and_migrations_agree(connection: Connection) -> None:
    opts = {"compare_type": True, "include_object": include_object}
    context = MigrationContext.configure(connection, opts=opts)
    assert compare_metadata(context, metadata()) == []
