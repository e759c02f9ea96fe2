"""The whole path on S3-compatible storage: a tus upload kept in a bucket and served back from it.

The bucket is moto's S3 server on 127.0.0.1 (see tests/lti_tool/storage/s3_server.py for why
moto and not MinIO).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.config import Config
from tests.lti_tool.storage.s3_server import PREFIX, s3_client, s3_config
from tests.lti_tool.uploads.conftest import Classroom, kept_files, tus_headers
from tests.lti_tool.uploads.photo_factories import jpeg_with_gps
from tests.lti_tool.uploads.test_tus import _create, _patch

BUCKET = "worklink-uploads"


@pytest.fixture
def config(config: Config, s3_server: str) -> Config:
    return s3_config(config, s3_server, BUCKET)


def test_an_uploaded_photo_is_kept_in_the_bucket_and_served_from_it(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session,
        s3_server: str) -> None:
    headers = tus_headers(app, classroom)
    content = jpeg_with_gps()
    url = _create(client, headers, len(content), "IMG_9.jpg", "image/jpeg",
                  submission=classroom.submissions[0]).headers["Location"]
    assert _patch(client, headers, url, 0, content).status_code == 204
    [stored] = kept_files(db, classroom.submissions[0])
    s3 = s3_client(s3_server)
    body = s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{stored.file_key}")["Body"].read()
    assert body.startswith(b"\xff\xd8") and b"Exif" not in body
    s3.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{stored.thumbnail_key}")
    answer = client.get(f"/files/{stored.id}", headers=headers)
    assert answer.status_code == 200 and answer.data == body
