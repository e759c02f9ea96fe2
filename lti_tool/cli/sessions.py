"""``worklink sessions``: see who is signed in, and end sessions by person or deployment."""

from __future__ import annotations

import datetime as dt
import time

import click
from sqlalchemy import select

from lti_tool import sessions as browser_sessions
from lti_tool.cli.context import database_session, load_config
from lti_tool.models import BrowserSession, User


@click.group()
def sessions() -> None:
    """Browser sessions (each started by a launch or the operator's link)."""


@sessions.command("list")
def list_sessions() -> None:
    """Live sessions: the user number and deployment number the other commands take."""
    config = load_config()
    now = int(time.time())
    with database_session(config) as session:
        rows = session.execute(
            select(BrowserSession, User.name, User.email)
            .outerjoin(User, User.id == BrowserSession.user_id)
            .where(BrowserSession.ended_at.is_(None), BrowserSession.expires_at > now,
                   BrowserSession.last_seen_at + config.session_idle_seconds > now)
            .order_by(BrowserSession.last_seen_at.desc())).all()
    if not rows:
        click.echo("No live sessions.")
    for row, name, email in rows:
        seen = dt.datetime.fromtimestamp(row.last_seen_at, dt.UTC).strftime("%Y-%m-%d %H:%M")
        who = name or email or ("operator" if row.role == "operator" else "anonymous")
        click.echo(f"user {row.user_id or '-'}  deployment {row.deployment_id or '-'}  "
                   f"course {row.course_id or '-'}  {row.role:<18} {who}  last seen {seen} UTC")


@sessions.command("end")
@click.option("--user", "user_id", type=int, help="End every session of this user number.")
@click.option("--deployment", "deployment_id", type=int,
              help="End every session launched through this deployment number.")
def end(user_id: int | None, deployment_id: int | None) -> None:
    """Sign a person, or everyone from one deployment, out at once."""
    if (user_id is None) == (deployment_id is None):
        raise click.UsageError("give exactly one of --user or --deployment")
    with database_session() as session:
        connection = session.connection()
        if user_id is not None:
            ended = browser_sessions.end_for_user(connection, user_id)
        else:
            assert deployment_id is not None
            ended = browser_sessions.end_for_deployment(connection, deployment_id)
        session.commit()
    click.echo(f"Ended {ended} session{'' if ended == 1 else 's'}.")
