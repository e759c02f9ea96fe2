"""``worklink admin``: the operator's way in."""

from __future__ import annotations

import datetime as dt

import click

from lti_tool import signing
from lti_tool.admin.signin import issue_link
from lti_tool.cli.context import database_session, load_config


@click.group()
def admin() -> None:
    """Operator access to the admin pages."""


@admin.command("link")
@click.option("--minutes", type=click.IntRange(1, 24 * 60), default=15, show_default=True,
              help="How long the link stays valid.")
def link(minutes: int) -> None:
    """Print a one-time sign-in URL for the admin pages."""
    config = load_config()
    with database_session(config) as session:
        url = issue_link(session, signing.for_config(config), config.base_url, dt.timedelta(minutes=minutes))
    click.echo(url)
    click.echo(f"(works once, for {minutes} minute(s))", err=True)
