"""``worklink keys``: the tool's own signing keys."""

from __future__ import annotations

import datetime as dt

import click

from lti_tool.cli.context import database_session, load_config
from lti_tool.lti import keys as tool_keys


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
def rotate(overlap_days: int | None) -> None:
    """next → current, current → retired (published for the overlap), a new next."""
    config = load_config()
    days = config.key_rotation_overlap_days if overlap_days is None else overlap_days
    if days < 0:
        raise click.UsageError("--overlap-days cannot be negative")
    with database_session(config) as session:
        tool_keys.ensure_keys(session)
        current = tool_keys.rotate(session, dt.timedelta(days=days))
        click.echo(f"now signing with {current.kid}; "
                   f"the previous key stays published for {days} day(s)")
