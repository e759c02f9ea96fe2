"""``worklink db``: schema migrations."""

from __future__ import annotations

import click

from lti_tool import migrate
from lti_tool.cli.context import open_database


@click.group()
def db() -> None:
    """Database schema."""


@db.command()
def upgrade() -> None:
    """Bring the database schema up to date."""
    database = open_database()
    migrate.upgrade(database.engine)
    click.echo("database is up to date")
