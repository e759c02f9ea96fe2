"""moto's S3 server on 127.0.0.1, for every test that keeps files in a bucket.

``ThreadedMotoServer`` is a real HTTP server that speaks the S3 REST protocol (SigV4 signatures,
multipart uploads, streaming GETs) to the unmodified boto3 client. MinIO would be closer to a
production server, but it ships as a binary outside the package registries this project
installs from; moto comes from PyPI.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
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


def make_bucket(endpoint: str, bucket: str, versioning: str | None = None) -> None:
    """``bucket`` made if missing; ``versioning`` ("Enabled" or "Suspended") set on it."""
    client = s3_client(endpoint)
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    if versioning:
        client.put_bucket_versioning(Bucket=bucket,
                                     VersioningConfiguration={"Status": versioning})


def credentials_denied(endpoint: str, *actions: str) -> tuple[str, str]:
    """An access key for a user moto lets do anything in S3 but ``actions`` (while
    :func:`permissions_checked`).

    moto names each action after the API call (``s3:ListObjectVersions``, ``s3:DeleteObject``
    with or without a version id), where AWS's IAM names some differently
    (``s3:ListBucketVersions``, ``s3:DeleteObjectVersion``).
    """
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="test", aws_secret_access_key="test")
    user = "worklink-" + secrets.token_hex(4)
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="all-but", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                      {"Effect": "Deny", "Action": list(actions), "Resource": "*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


@contextmanager
def permissions_checked(endpoint: str) -> Iterator[None]:
    """moto checks every request's signature and IAM policy meanwhile (it trusts any key
    otherwise); the test's own "test" key is refused until the block ends."""
    _set_auth(endpoint, "0")
    try:
        yield
    finally:
        _set_auth(endpoint, "inf")


def _set_auth(endpoint: str, requests_before_checking: str) -> None:
    # Not a form: moto reads the number from the raw body, which a form's parsing would eat.
    request = urllib.request.Request(f"{endpoint}/moto-api/reset-auth", method="POST",
                                     data=requests_before_checking.encode(),
                                     headers={"Content-Type": "text/plain"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        answer.read()


def s3_config(config: Config, endpoint: str, bucket: str) -> Config:
    """``config`` keeping files under ``school-a/`` in ``bucket`` (made if missing)."""
    make_bucket(endpoint, bucket)
    return dataclasses.replace(config, storage="s3", s3_bucket=bucket, s3_endpoint_url=endpoint,
                               s3_region="us-east-1", s3_access_key_id="test",
                               s3_secret_access_key="test", s3_prefix=PREFIX)


def emptied(endpoint: str, bucket: str, versioning: str | None = None) -> None:
    """``bucket``, made if missing, with nothing in it (another test may have left a probe)."""
    make_bucket(endpoint, bucket, versioning)
    client = s3_client(endpoint)
    answer = client.list_object_versions(Bucket=bucket)
    for entry in answer.get("Versions", []) + answer.get("DeleteMarkers", []):
        client.delete_object(Bucket=bucket, Key=entry["Key"], VersionId=entry["VersionId"])


def everything_in(endpoint: str, bucket: str) -> list[str]:
    """The key of every version and delete marker in ``bucket``."""
    answer = s3_client(endpoint).list_object_versions(Bucket=bucket)
    return [entry["Key"] for kind in ("Versions", "DeleteMarkers")
            for entry in answer.get(kind, [])]
