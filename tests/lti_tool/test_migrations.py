"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from lti_tool.migrate import alembic_config, include_object, metadata


def test_models_and_migrations_agree(connection: Connection) -> None:
    opts = {"compare_type": True, "include_object": include_object}
    context = MigrationContext.configure(connection, opts=opts)
    assert compare_metadata(context, metadata()) == []


def test_the_migrations_form_one_line() -> None:
    # Two sessions numbering migrations at once can leave two heads; upgrading to "heads" would
    # still work, but the order between them would be undefined.
    from alembic.script import ScriptDirectory

    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1
