"""What every command needs: the typed config and a database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from sqlalchemy.orm import Session

from lti_tool.config import Config, ConfigError
from lti_tool.db import Database


def load_config() -> Config:
    try:
        return Config.from_env()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def open_database(config: Config | None = None) -> Database:
    config = config or load_config()
    config.instance_dir.mkdir(parents=True, exist_ok=True)
    return Database(config.database_url)


@contextmanager
def database_session(config: Config | None = None) -> Iterator[Session]:
    """A session for one command; the engine's connections are closed when it ends."""
    database = open_database(config)
    try:
        with database.session() as session:
            yield session
    finally:
        database.engine.dispose()
