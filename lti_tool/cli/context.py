"""What every command needs: the typed config and a database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from lti_tool.config import Config, ConfigError
from lti_tool.db import Database


def load_config() -> Config:
    try:
        return Config.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def open_database(config: Config | None = None, *, create: bool = False) -> Database:
    """The configured database. Only a command that builds one (``db upgrade``, ``demo``) may
    ``create`` it; any other refuses, saying which database it looked for and how to name
    another, instead of leaving an empty SQLite file behind."""
    config = config or load_config()
    if create:
        config.instance_dir.mkdir(parents=True, exist_ok=True)
        return Database(config.database_url)
    sqlite_file = _sqlite_file(config.database_url)
    if sqlite_file is not None and not sqlite_file.exists():
        raise click.ClickException(f"there is no Worklink database at {sqlite_file}. "
                                   + _how_to_choose(config))
    database = Database(config.database_url)
    if not inspect(database.engine).has_table("alembic_version"):
        database.engine.dispose()
        raise click.ClickException(f"the database {_shown(config.database_url)} has no Worklink "
                                   "tables yet. " + _how_to_choose(config))
    return database


@contextmanager
def database_session(config: Config | None = None) -> Iterator[Session]:
    """A session for one command; the engine's connections are closed when it ends."""
    database = open_database(config)
    try:
        with database.session() as session:
            yield session
    finally:
        database.engine.dispose()


def _how_to_choose(config: Config) -> str:
    if os.environ.get("WORKLINK_DATABASE_URL"):
        source = "WORKLINK_DATABASE_URL names it"
    else:
        source = (f"it is the default, in the instance folder {config.instance_dir} "
                  "(WORKLINK_DATABASE_URL and WORKLINK_INSTANCE_DIR are not set)"
                  if not os.environ.get("WORKLINK_INSTANCE_DIR") else
                  f"it is the SQLite file in WORKLINK_INSTANCE_DIR ({config.instance_dir})")
    return (f"Worklink uses {_shown(config.database_url)}: {source}. Set WORKLINK_DATABASE_URL "
            "to the database Worklink runs on (for example "
            "postgresql+psycopg://user@host/worklink), or run `worklink db upgrade` to create "
            "this one.")


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
