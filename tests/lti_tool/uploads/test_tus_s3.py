"""The whole path on S3-compatible storage: a tus upload kept in a bucket and served back from it.

The bucket is moto's S3 server on 127.0.0.1 (see tests/lti_tool/storage/test_stores.py for why
moto and not MinIO).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from moto.server import ThreadedMotoServer
from sqlalchemy.orm import Session

from lti_tool.config import Config
from tests.lti_tool.uploads.conftest import Classroom, kept_files, tus_headers
from tests.lti_tool.uploads.photo_factories import jpeg_with_gps
from tests.lti_tool.uploads.test_tus import _create, _patch

BUCKET = "worklink-uploads"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def config(config: Config, s3_endpoint: str) -> Config:
    return dataclasses.replace(config, storage="s3", s3_bucket=BUCKET, s3_endpoint_url=s3_endpoint,
                               s3_region="us-east-1", s3_access_key_id="test",
                               s3_secret_access_key="test", s3_prefix="school-a")


def test_an_uploaded_photo_is_kept_in_the_bucket_and_served_from_it(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session,
        s3_endpoint: str) -> None:
    headers = tus_headers(app, classroom)
    content = jpeg_with_gps()
    url = _create(client, headers, len(content), "IMG_9.jpg", "image/jpeg",
                  submission=classroom.submissions[0]).headers["Location"]
    assert _patch(client, headers, url, 0, content).status_code == 204
    [stored] = kept_files(db, classroom.submissions[0])
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    body = s3.get_object(Bucket=BUCKET, Key=f"school-a/{stored.file_key}")["Body"].read()
    assert body.startswith(b"\xff\xd8") and b"Exif" not in body
    s3.head_object(Bucket=BUCKET, Key=f"school-a/{stored.thumbnail_key}")
    answer = client.get(f"/files/{stored.id}", headers=headers)
    assert answer.status_code == 200 and answer.data == body
