"""``worklink storage check``: where students' files go, and whether a delete really deletes.

A bucket that keeps versions is allowed, but deleting a file there takes permissions a plain
delete does not (listing and deleting old versions); without them the purge of removed files
fails every minute. This check shows that before a student's file depends on it.
"""

from __future__ import annotations

import click
from botocore.exceptions import BotoCoreError, ClientError

from lti_tool.cli.context import load_config
from lti_tool.storage import build, new_key
from lti_tool.storage.s3 import DeleteRefused, S3Store

PROBE = b"Worklink storage check: a throwaway file, safe to delete."

_FAILURES = (ClientError, BotoCoreError, DeleteRefused, OSError)


@click.group()
def storage() -> None:
    """Where students' files are kept (WORKLINK_STORAGE)."""


@storage.command()
def check() -> None:
    """Write a throwaway file, delete it for good, and say what the store is and did."""
    config = load_config()
    store = build(config)
    if isinstance(store, S3Store):
        click.echo(f"Storage: S3 bucket {store.bucket}"
                   + (f" under {store.prefix}" if store.prefix else "")
                   + (f" at {config.s3_endpoint_url}" if config.s3_endpoint_url else ""))
        try:
            click.echo("Versioning: " + _versioning_said(store))
        except _FAILURES as exc:
            raise click.ClickException(f"the bucket's versioning could not be read: {exc}") from None
    else:
        click.echo(f"Storage: local files in {config.instance_dir / 'artifacts'}")
    key = new_key()
    try:
        store.put(key, [PROBE])
    except _FAILURES as exc:
        raise click.ClickException(f"writing a file failed: {exc}") from None
    try:
        store.delete(key)
        left = store.exists(key) or (isinstance(store, S3Store) and store.keeps_versions()
                                     and bool(store.versions(key)))
    except DeleteRefused as exc:  # its message names the file and the permission
        raise click.ClickException(f"the throwaway file could not be deleted. {exc}") from None
    except _FAILURES as exc:
        raise click.ClickException(f"deleting the throwaway file {key} failed, it may still "
                                   f"be there: {exc}") from None
    if left:
        raise click.ClickException(f"the file {key} was deleted but a copy of it remains.")
    click.echo(f"Probe: wrote {key} and deleted it; nothing of it is left.")


def _versioning_said(store: S3Store) -> str:
    if store.keeps_versions():
        return (f"{store.versioning()}. Deleting a file removes every version and delete "
                "marker of it, which needs s3:ListBucketVersions and s3:DeleteObjectVersion "
                "besides s3:DeleteObject.")
    return "not enabled. Deleting a file is a single delete."
