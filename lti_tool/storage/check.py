"""The storage check: where students' files go, and whether a file written there can be deleted
for good. ``worklink storage check`` prints it; the worker runs it before it starts.

A bucket that keeps versions is allowed, but deleting a file there takes permissions a plain
delete does not (listing and deleting old versions); without them the purge of removed files
fails every minute. The check shows that before a student's file depends on it.
"""

from __future__ import annotations

from collections.abc import Callable

from botocore.exceptions import BotoCoreError, ClientError

from lti_tool.config import Config
from lti_tool.storage import build, new_key
from lti_tool.storage.s3 import DeleteRefused, S3Store

PROBE = b"Worklink storage check: a throwaway file, safe to delete."

_FAILURES = (ClientError, BotoCoreError, DeleteRefused, OSError)


class StorageCheckFailed(Exception):
    """The store could not be reached, or a file could not be written or deleted for good."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")
        self.where = where
        """The store, as :func:`check_storage` says it first."""
        self.problem = problem
        """What failed, naming the file and the permission where there is one."""


def check_storage(config: Config, say: Callable[[str], None]) -> None:
    """Write a throwaway file and delete it for good, saying what the store is and did; raises
    :class:`StorageCheckFailed` at the first step that fails."""
    store = build(config)
    if isinstance(store, S3Store):
        where = (f"S3 bucket {store.bucket}" + (f" under {store.prefix}" if store.prefix else "")
                 + (f" at {config.s3_endpoint_url}" if config.s3_endpoint_url else ""))
    else:
        where = f"local files in {config.instance_dir / 'artifacts'}"
    say(f"Storage: {where}")
    if isinstance(store, S3Store):
        try:
            say("Versioning: " + _versioning_said(store))
        except _FAILURES as exc:
            raise StorageCheckFailed(
                where, f"the bucket's versioning could not be read: {exc}") from None
    key = new_key()
    try:
        store.put(key, [PROBE])
    except _FAILURES as exc:
        raise StorageCheckFailed(where, f"writing a file failed: {exc}") from None
    try:
        store.delete(key)
        left = store.exists(key) or (isinstance(store, S3Store) and store.keeps_versions()
                                     and bool(store.versions(key)))
    except DeleteRefused as exc:  # its message names the file and the permission
        raise StorageCheckFailed(where, f"the throwaway file could not be deleted. {exc}") from None
    except _FAILURES as exc:
        raise StorageCheckFailed(where, f"deleting the throwaway file {key} failed, it may "
                                        f"still be there: {exc}") from None
    if left:
        raise StorageCheckFailed(where, f"the file {key} was deleted but a copy of it remains.")
    say(f"Probe: wrote {key} and deleted it; nothing of it is left.")


def _versioning_said(store: S3Store) -> str:
    if store.keeps_versions():
        return (f"{store.versioning()}. Deleting a file removes every version and delete "
                "marker of it, which needs s3:ListBucketVersions and s3:DeleteObjectVersion "
                "besides s3:DeleteObject.")
    return "not enabled. Deleting a file is a single delete."
