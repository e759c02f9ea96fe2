"""``worklink db``: schema migrations (and the tool keys a fresh database needs)."""

from __future__ import annotations

import click

from lti_tool import migrate
from lti_tool.cli.context import load_config, open_database


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Bring the database schema up to date and make sure the tool has signing keys."""
    prepare_database()
    click.echo("database is up to date")


def prepare_database(*, with_builtin_frameworks: bool = False) -> None:
    """Migrate, make the tool keys, and (for the demo) load the frameworks Worklink ships."""
    from competencies import builtin
    from competencies.importing import import_package
    from lti_tool.lti.keys import ensure_keys

    database = open_database(load_config())
    try:
        migrate.upgrade(database.engine)
        with database.session() as session:
            ensure_keys(session)
            if with_builtin_frameworks:
                # Idempotent: a second start finds them unchanged. Shipped with Worklink, so a
                # new version that drops items means to.
                for name in builtin.names():
                    import_package(session, builtin.load(name), allow_removals=True)
                session.commit()
    finally:
        database.engine.dispose()
