"""``worklink storage check``: where students' files go, and whether a delete really deletes
(:mod:`lti_tool.storage.check`, which the worker also runs before it starts)."""

from __future__ import annotations

import click

from lti_tool.cli.context import load_config
from lti_tool.storage.check import StorageCheckFailed, check_storage


@click.group()
def storage() -> None:
    """Where students' files are kept (WORKLINK_STORAGE)."""


@storage.command()
def check() -> None:
    """Write a throwaway file, delete it for good, and say what the store is and did."""
    try:
        check_storage(load_config(), click.echo)
    except StorageCheckFailed as exc:
        # The store was named on the first line already.
        raise click.ClickException(exc.problem) from None
