"""A file refused after it reached the bucket (the task closed as it arrived) is deleted
at once; a bucket that refuses the delete leaves it to the purge, and the student is still told
why, instead of a 500 and bytes nobody would ever delete.

Against moto's S3 server on 127.0.0.1; the refusal comes from moto's own IAM checks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.work.file_policy import Refusal
from competencies.work.model import PlacedTaskWork, ReleasedFile
from competencies.work.stored_file import StoredFile
from lti_tool.config import Config
from lti_tool.jobs import jobs
from lti_tool.uploads.destination import set_destination
from lti_tool.uploads.work_destination import SubmissionDestination
from tests.lti_tool.storage.s3_server import (
    PREFIX,
    credentials_denied,
    permissions_checked,
    s3_client,
    s3_config,
)
from tests.lti_tool.uploads.conftest import Classroom, kept_files, tus_headers
from tests.lti_tool.uploads.photo_factories import jpeg_with_gps
from tests.lti_tool.uploads.test_tus import _create, _patch

BUCKET = "worklink-refused-deletes"


@pytest.fixture
def config(config: Config, s3_server: str) -> Config:
    """Worklink's credentials may do anything in the bucket but delete (while checked)."""
    key_id, secret = credentials_denied(s3_server, "s3:DeleteObject")
    return dataclasses.replace(s3_config(config, s3_server, BUCKET),
                               s3_access_key_id=key_id, s3_secret_access_key=secret)


class ClosedWhileTheFileTravelled(SubmissionDestination):
    """The real destination, but the teacher closes the task just as the file arrives: after
    Worklink checked and kept the bytes, before it records them on the submission."""

    def __init__(self, resource_link_id: int) -> None:
        self.resource_link_id = resource_link_id

    def attach(self, session: Session, submission_id: int, stored: StoredFile,
               now: dt.datetime) -> Refusal | None:
        session.merge(PlacedTaskWork(resource_link_id=self.resource_link_id, closed_at=now))
        session.flush()
        return super().attach(session, submission_id, stored, now)


def _in_bucket(s3_server: str) -> list[str]:
    listed = s3_client(s3_server).list_objects_v2(Bucket=BUCKET, Prefix=PREFIX)
    return sorted(entry["Key"] for entry in listed.get("Contents", []))


def test_a_refused_file_the_bucket_will_not_delete_is_left_to_the_purge(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session,
        s3_server: str) -> None:
    before = _in_bucket(s3_server)
    headers = tus_headers(app, classroom)
    content = jpeg_with_gps()
    set_destination(app, ClosedWhileTheFileTravelled(classroom.resource_link_id))
    with permissions_checked(s3_server):
        url = _create(client, headers, len(content), "IMG_9.jpg", "image/jpeg",
                      submission=classroom.submissions[0]).headers["Location"]
        answer = _patch(client, headers, url, 0, content)
    assert answer.status_code == 422 and "closed" in answer.text, answer.text
    assert kept_files(db, classroom.submissions[0]) == []
    left = [key for key in _in_bucket(s3_server) if key not in before]
    assert len(left) == 2  # the photo and its thumbnail, still there
    released = set(db.scalars(select(ReleasedFile.key)))
    assert {f"{PREFIX}/{key}" for key in released} == set(left)

    jobs(app).purge_expired()  # the delete allowed again
    assert [key for key in _in_bucket(s3_server) if key not in before] == []
    db.expire_all()
    assert db.scalars(select(ReleasedFile)).all() == []
