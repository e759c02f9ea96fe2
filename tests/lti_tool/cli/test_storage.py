"""``worklink storage check``: the operator sees where files go, whether the bucket keeps
versions, and whether a file written there can be deleted for good, before a student's can't.

Buckets on moto's S3 server on 127.0.0.1 (tests/lti_tool/storage/s3_server.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lti_tool.cli.conftest import Invoke, on_bucket
from tests.lti_tool.storage.s3_server import (
    PREFIX,
    credentials_denied,
    emptied,
    everything_in,
    permissions_checked,
)

VERSIONED, PLAIN = "worklink-check-versioned", "worklink-check-plain"


def test_local_storage_is_checked_with_a_throwaway_file(worklink: Invoke, tmp_path: Path) -> None:
    result = worklink("storage", "check")
    assert result.exit_code == 0, result.output
    assert f"Storage: local files in {tmp_path / 'instance' / 'artifacts'}" in result.output
    assert "nothing of it is left" in result.output
    assert [p for p in (tmp_path / "instance" / "artifacts").rglob("*") if p.is_file()] == []


def test_a_versioned_bucket_is_named_and_the_probe_leaves_no_version(
        worklink: Invoke, cli_env: dict[str, str], s3_server: str) -> None:
    emptied(s3_server, VERSIONED, "Enabled")
    on_bucket(cli_env, s3_server, VERSIONED)
    result = worklink("storage", "check")
    assert result.exit_code == 0, result.output
    assert f"Storage: S3 bucket {VERSIONED} under {PREFIX}/ at {s3_server}" in result.output
    assert "Versioning: Enabled. Deleting a file removes every version" in result.output
    assert "nothing of it is left" in result.output
    assert everything_in(s3_server, VERSIONED) == []


def test_a_bucket_without_versions_says_so(worklink: Invoke, cli_env: dict[str, str],
                                           s3_server: str) -> None:
    emptied(s3_server, PLAIN)
    on_bucket(cli_env, s3_server, PLAIN)
    result = worklink("storage", "check")
    assert result.exit_code == 0, result.output
    assert "Versioning: not enabled. Deleting a file is a single delete." in result.output
    assert everything_in(s3_server, PLAIN) == []


@pytest.mark.parametrize(("denied", "named"), [
    # moto names these after the API calls; the message uses AWS's IAM names.
    ("s3:ListObjectVersions", "s3:ListBucketVersions"),
    ("s3:DeleteObject", "s3:DeleteObjectVersion"),
])
def test_credentials_that_cannot_delete_versions_fail_the_check_naming_the_permission(
        worklink: Invoke, cli_env: dict[str, str], s3_server: str, denied: str,
        named: str) -> None:
    emptied(s3_server, VERSIONED, "Enabled")
    on_bucket(cli_env, s3_server, VERSIONED, credentials_denied(s3_server, denied))
    with permissions_checked(s3_server):
        result = worklink("storage", "check")
    assert result.exit_code == 1
    assert "Versioning: Enabled" in result.output
    assert f"refused {named}" in result.output and "was not deleted" in result.output
    [probe] = set(everything_in(s3_server, VERSIONED))
    assert probe.startswith(f"{PREFIX}/artifacts/") and probe.removeprefix(
        PREFIX + "/") in result.output, "the leftover is named, for the operator to remove"
