"""moto's S3 server on 127.0.0.1, for every test that keeps files in a bucket.

``ThreadedMotoServer`` is a real HTTP server that speaks the S3 REST protocol (SigV4 signatures,
multipart uploads, streaming GETs) to the unmodified boto3 client. MinIO would be closer to a
production server, but it ships as a binary outside the package registries this project
installs from; moto comes from PyPI.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from lti_tool.config import Config

PREFIX = "school-a"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """The server's endpoint URL: one server for the run, a bucket per test module."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_client(endpoint: str) -> Any:
    """A plain boto3 client, to look in the bucket without going through the store."""
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id="test", aws_secret_access_key="test")


def make_bucket(endpoint: str, bucket: str) -> None:
    client = s3_client(endpoint)
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass


def s3_config(config: Config, endpoint: str, bucket: str) -> Config:
    """``config`` keeping files under ``school-a/`` in ``bucket`` (made if missing)."""
    make_bucket(endpoint, bucket)
    return dataclasses.replace(config, storage="s3", s3_bucket=bucket, s3_endpoint_url=endpoint,
                               s3_region="us-east-1", s3_access_key_id="test",
                               s3_secret_access_key="test", s3_prefix=PREFIX)
