"""On a bucket that keeps versions, a file a student took out of their draft leaves no version
behind after the purge; a bucket that refuses what that takes keeps the purge failing, with the
file's row, until the operator grants it.

Against moto's S3 server on 127.0.0.1 (tests/lti_tool/storage/s3_server.py); the refusal comes
from moto's own IAM checks.
"""

from __future__ import annotations

import dataclasses
import time

import pytest
from flask import Flask
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from competencies.work.stored_file import StoredFile
from lti_tool.config import Config
from lti_tool.jobs import jobs
from lti_tool.jobs.purge import purge_expired
from lti_tool.models import EphemeralValue
from lti_tool.storage.s3 import DeleteRefused
from tests.lti_tool.jobs.test_file_release import _file_in, _released, _remove, _started
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.storage.s3_server import (
    PREFIX,
    credentials_denied,
    make_bucket,
    permissions_checked,
    s3_client,
    s3_config,
)

BUCKETS = {"Enabled": "worklink-released-versioned", "Suspended": "worklink-released-suspended"}


@pytest.fixture(params=["Enabled", "Suspended"])
def versioning(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def config(config: Config, s3_server: str, versioning: str) -> Config:
    """A bucket with versioning on while the test writes; the test then sets ``versioning``
    (a suspended bucket keeps the versions made before)."""
    make_bucket(s3_server, BUCKETS[versioning], "Enabled")
    return s3_config(config, s3_server, BUCKETS[versioning])


def _history(s3_server: str, config: Config, stored: StoredFile) -> list[str]:
    """The keys of every version and delete marker the bucket keeps of the file and thumbnail."""
    found = []
    for key in (stored.key, stored.thumbnail_key or ""):
        answer = s3_client(s3_server).list_object_versions(Bucket=config.s3_bucket,
                                                           Prefix=f"{PREFIX}/{key}")
        found += [entry["Key"] for kind in ("Versions", "DeleteMarkers")
                  for entry in answer.get(kind, [])]
    return found


def _photo_with_history(app: Flask, flow: Flow, db: Session, config: Config, s3_server: str,
                        versioning: str) -> tuple[Flow, StoredFile]:
    """A photo in a student's draft, written twice, and its thumbnail; then the bucket's
    versioning set to ``versioning``. The student removes the photo from the draft.

    With versioning enabled the photo also has a delete marker an older Worklink's plain delete
    left (moto 5.2 fails deleting the versions under a delete marker once versioning is
    suspended, an error of its own, so the suspended bucket has none)."""
    placed = _started(app, flow, db)
    submission, artifact_id, stored = _file_in(app, db, placed, "site.jpg")
    raw, key = s3_client(s3_server), f"{PREFIX}/{stored.key}"
    raw.put_object(Bucket=config.s3_bucket, Key=key, Body=b"\xff\xd8 the photo again")
    if versioning == "Enabled":
        raw.delete_object(Bucket=config.s3_bucket, Key=key)
    raw.put_bucket_versioning(Bucket=config.s3_bucket,
                              VersioningConfiguration={"Status": versioning})
    assert len(_history(s3_server, config, stored)) == (4 if versioning == "Enabled" else 3)
    assert _remove(placed, submission, artifact_id) == 303
    return flow, stored


def test_a_removed_file_leaves_no_version_in_the_bucket(
        app: Flask, flow: Flow, db: Session, config: Config, s3_server: str,
        versioning: str) -> None:
    _, stored = _photo_with_history(app, flow, db, config, s3_server, versioning)
    jobs(app).purge_expired()
    assert _history(s3_server, config, stored) == []
    assert _released(db) == []


def test_a_bucket_refusing_to_list_versions_keeps_the_purge_failing_and_the_row(
        app: Flask, flow: Flow, db: Session, config: Config, s3_server: str,
        versioning: str) -> None:
    """The worker's credentials lack s3:ListBucketVersions (moto names the action
    s3:ListObjectVersions). The purge fails naming it and counts nothing as gone; the rest of
    the purge (expired launch values) still runs. Granted, the next purge deletes it all."""
    _, stored = _photo_with_history(app, flow, db, config, s3_server, versioning)
    db.execute(insert(EphemeralValue), [
        {"key": "state:old", "value": b"{}", "expires_at": int(time.time()) - 60}])
    db.commit()
    key_id, secret = credentials_denied(s3_server, "s3:ListObjectVersions")
    context = jobs(app).context
    refused = dataclasses.replace(context, config=dataclasses.replace(
        config, s3_access_key_id=key_id, s3_secret_access_key=secret))
    before = _history(s3_server, config, stored)
    with permissions_checked(s3_server), pytest.raises(DeleteRefused,
                                                       match="s3:ListBucketVersions"):
        purge_expired(refused)
    assert _history(s3_server, config, stored) == before
    assert sorted(_released(db)) == sorted([stored.key, stored.thumbnail_key])
    assert "state:old" not in set(db.scalars(select(EphemeralValue.key)))
    purge_expired(context)
    assert _history(s3_server, config, stored) == []
    assert _released(db) == []
