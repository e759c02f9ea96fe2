"""``worklink keys``: the tool's own signing keys."""

from __future__ import annotations

import datetime as dt

import click
from sqlalchemy import select

from lti_tool.cli.context import database_session, load_config
from lti_tool.employer.tokens import PURPOSE_PREFIX
from lti_tool.lti import keys as tool_keys
from lti_tool.models import ToolKey


@click.group()
def keys() -> None:
    """The keys Worklink signs with (published at <base_url>/lti/jwks.json)."""


@keys.command("list")
def list_() -> None:
    """Every key, its status, and whether the JWKS publishes it."""
    with database_session() as session:
        tool_keys.ensure_keys(session)
        published = {k.kid for k in tool_keys.published_keys(session)}
        for key in tool_keys.all_keys(session):
            until = f"\tpublished until {key.retire_after:%Y-%m-%d %H:%M} UTC" \
                if key.retire_after and key.kid in published else ""
            flag = "published" if key.kid in published else "not published"
            click.echo(f"{key.kid}\t{key.status.value}\t{flag}\t"
                       f"created {key.created_at:%Y-%m-%d}{until}")


@keys.command("rotate")
@click.option("--overlap-days", type=int, default=None,
              help="Keep the retired key published this long "
                   "(default: WORKLINK_KEY_ROTATION_OVERLAP_DAYS).")
@click.option("--employer-links", is_flag=True,
              help="Rotate every tenant's employer-link key instead of the LTI keys; the "
                   "retired ones keep verifying links for WORKLINK_EMPLOYER_LINK_DAYS "
                   "(or --overlap-days, whichever is longer).")
def rotate(overlap_days: int | None, employer_links: bool) -> None:
    """next → current, current → retired (published for the overlap), a new next."""
    config = load_config()
    days = config.key_rotation_overlap_days if overlap_days is None else overlap_days
    if days < 0:
        raise click.UsageError("--overlap-days cannot be negative")
    if employer_links:
        # A link signed just before the rotation must keep working until it expires.
        days = max(days, config.employer_link_days)
        with database_session(config) as session:
            purposes = sorted(set(session.scalars(select(ToolKey.purpose).where(
                ToolKey.purpose.startswith(PURPOSE_PREFIX)))))
            for purpose in purposes:
                current = tool_keys.rotate(session, dt.timedelta(days=days), purpose=purpose)
                click.echo(f"{purpose}: now signing with {current.kid}; links signed before "
                           f"keep working for {days} day(s)")
            if not purposes:
                click.echo("no employer-link keys yet (one is made with a tenant's first link)")
        return
    with database_session(config) as session:
        tool_keys.ensure_keys(session)
        current = tool_keys.rotate(session, dt.timedelta(days=days))
        click.echo(f"now signing with {current.kid}; "
                   f"the previous key stays published for {days} day(s)")
