"""``worklink db``: schema migrations (and the tool keys a fresh database needs)."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from lti_tool import migrate
from lti_tool.cli.context import load_config, open_database


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Bring the database schema up to date and make sure the tool has signing keys."""
    prepare_database(create=True)
    click.echo("database is up to date")


def prepare_database(*, demo_content: bool = False, create: bool = True) -> None:
    """Migrate, make the tool keys, and (for the demo) load the content Worklink ships.

    The demo's content is the built-in frameworks, the Common Core math and O*NET samples and
    the task templates; each step skips what is there already, so a second start adds nothing.
    """
    from lti_tool.lti.keys import ensure_keys

    database = open_database(load_config(), create=create)
    try:
        migrate.upgrade(database.engine)
        with database.session() as session:
            ensure_keys(session)
            if demo_content:
                load_demo_content(session)
                session.commit()
    finally:
        database.engine.dispose()


def load_demo_content(session: Session) -> None:
    """The built-in frameworks, the samples and the task templates; what is there is skipped."""
    from competencies import builtin, samples
    from competencies.importing import import_package
    from competencies.tasks import templates

    # Shipped with Worklink, so a new version that drops items means to.
    for name in builtin.names():
        import_package(session, builtin.load(name), allow_removals=True)
    samples.import_samples(session)
    templates.install(session)
