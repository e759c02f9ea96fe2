"""A delete on a bucket that keeps versions removes every version of the file, or fails saying
which permission is missing; on a bucket without versions it stays one DeleteObject.

Against moto's S3 server on 127.0.0.1 (tests/lti_tool/storage/s3_server.py), whose buckets keep
versions as AWS's do and which checks IAM policies when asked to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lti_tool.storage.s3 import VERSIONING_TTL, DeleteRefused, S3Store
from tests.lti_tool.storage.s3_server import (
    PREFIX,
    credentials_denied,
    make_bucket,
    permissions_checked,
    s3_client,
)

VERSIONED = "worklink-versioned"
SUSPENDED = "worklink-suspended"
PLAIN = "worklink-plain"
TURNED_ON = "worklink-turned-on"
CHANGING = "worklink-changing"


def _store(endpoint: str, bucket: str, keys: tuple[str, str] = ("test", "test"),
           page_size: int = 1000, clock: Callable[[], float] | None = None) -> S3Store:
    return S3Store(bucket, prefix=PREFIX, endpoint_url=endpoint, region="us-east-1",
                   access_key_id=keys[0], secret_access_key=keys[1], page_size=page_size,
                   **({"clock": clock} if clock else {}))


def _history(endpoint: str, bucket: str, key: str) -> list[tuple[str, str]]:
    """Every version and delete marker the bucket keeps under ``key`` and the keys it prefixes."""
    answer = s3_client(endpoint).list_object_versions(Bucket=bucket, Prefix=f"{PREFIX}/{key}")
    return sorted([(entry["Key"].removeprefix(PREFIX + "/"), kind)
                   for kind in ("Versions", "DeleteMarkers") for entry in answer.get(kind, [])])


def _calls(store: S3Store) -> list[str]:
    """The names of the S3 calls the store makes from now on, as they go out."""
    made: list[str] = []

    def record(model: Any, **_: Any) -> None:
        made.append(model.name)

    store.client.meta.events.register("before-call.s3", record)
    return made


def _write_history(endpoint: str, bucket: str, key: str) -> None:
    """Two versions, a delete marker (what a plain DeleteObject leaves) and a current version."""
    raw = s3_client(endpoint)
    raw.put_object(Bucket=bucket, Key=f"{PREFIX}/{key}", Body=b"first photo")
    raw.put_object(Bucket=bucket, Key=f"{PREFIX}/{key}", Body=b"second photo")
    raw.delete_object(Bucket=bucket, Key=f"{PREFIX}/{key}")
    raw.put_object(Bucket=bucket, Key=f"{PREFIX}/{key}", Body=b"third photo")


def test_a_delete_on_a_versioned_bucket_leaves_no_version_of_the_file(s3_server: str) -> None:
    """Listed two entries a page, so the versions of "a/1" span pages shared with "a/10"."""
    make_bucket(s3_server, VERSIONED, "Enabled")
    _write_history(s3_server, VERSIONED, "a/1")
    _write_history(s3_server, VERSIONED, "a/10")
    assert _history(s3_server, VERSIONED, "a/1").count(("a/1", "Versions")) == 3
    store = _store(s3_server, VERSIONED, page_size=2)
    calls = _calls(store)
    store.delete("a/1")
    assert calls.count("DeleteObject") == 4, "one per version and marker of a/1, none for a/10"
    assert _history(s3_server, VERSIONED, "a/1") == [("a/10", "DeleteMarkers")] + [
        ("a/10", "Versions")] * 3, "a/10 only shares the prefix: all of it stays"
    with store.open("a/10") as kept:
        assert kept.read() == b"third photo"
    store.delete("a/1")  # twice is fine: nothing left to list


def test_a_delete_on_a_suspended_bucket_removes_the_versions_kept_from_before(
        s3_server: str) -> None:
    """Suspending versioning stops new versions; the ones made while it was on stay."""
    make_bucket(s3_server, SUSPENDED, "Enabled")
    raw = s3_client(s3_server)
    for body in (b"first photo", b"second photo"):
        raw.put_object(Bucket=SUSPENDED, Key=f"{PREFIX}/b/1", Body=body)
    raw.put_bucket_versioning(Bucket=SUSPENDED, VersioningConfiguration={"Status": "Suspended"})
    store = _store(s3_server, SUSPENDED)
    assert store.versioning() == "Suspended"
    store.delete("b/1")
    assert _history(s3_server, SUSPENDED, "b/1") == []


def test_the_versioning_is_not_asked_per_delete(s3_server: str) -> None:
    make_bucket(s3_server, VERSIONED, "Enabled")
    store = _store(s3_server, VERSIONED)
    for key in ("c/1", "c/2"):
        store.put(key, [b"photo"])
    calls = _calls(store)
    store.delete("c/1")
    store.delete("c/2")
    assert calls == ["GetBucketVersioning",
                     "ListObjectVersions", "DeleteObject",
                     "ListObjectVersions", "DeleteObject"]
    assert _history(s3_server, VERSIONED, "c/") == []


def test_the_versioning_is_asked_again_once_its_answer_is_a_minute_old(s3_server: str) -> None:
    """The web process keeps its store for its whole life; the operator suspends versioning."""
    make_bucket(s3_server, CHANGING, "Enabled")
    now = [0.0]
    store = _store(s3_server, CHANGING, clock=lambda: now[0])
    calls = _calls(store)
    assert store.versioning() == "Enabled"
    s3_client(s3_server).put_bucket_versioning(
        Bucket=CHANGING, VersioningConfiguration={"Status": "Suspended"})
    now[0] = VERSIONING_TTL - 1
    assert store.versioning() == "Enabled"
    now[0] = VERSIONING_TTL
    assert store.versioning() == "Suspended"
    assert calls == ["GetBucketVersioning", "GetBucketVersioning"]


def test_a_bucket_given_versioning_since_it_was_asked_keeps_no_copy_of_a_deleted_file(
        s3_server: str) -> None:
    """The store's answer ("no versions") is still fresh when the operator turns versioning
    on: its plain delete answers with a delete marker, and the store deletes every version."""
    make_bucket(s3_server, TURNED_ON)
    store = _store(s3_server, TURNED_ON)
    store.put("h/1", [b"photo from before"])
    assert store.versioning() == ""
    s3_client(s3_server).put_bucket_versioning(
        Bucket=TURNED_ON, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"first photo", b"second photo"):
        store.put("h/2", [body])
    calls = _calls(store)
    store.delete("h/1")
    store.delete("h/2")
    assert _history(s3_server, TURNED_ON, "h/") == []
    assert calls == [
        # h/1: the plain delete, then its version from before and the marker just made.
        "DeleteObject", "ListObjectVersions", "DeleteObject", "DeleteObject",
        # h/2: the bucket asked again, its two versions deleted.
        "GetBucketVersioning", "ListObjectVersions", "DeleteObject", "DeleteObject"]


def test_a_bucket_without_versions_gets_one_delete_per_file(s3_server: str) -> None:
    make_bucket(s3_server, PLAIN)
    store = _store(s3_server, PLAIN)
    for key in ("d/1", "d/10"):
        store.put(key, [b"photo"])
    calls = _calls(store)
    store.delete("d/1")
    store.delete("d/1")
    assert calls == ["GetBucketVersioning", "DeleteObject", "DeleteObject"]
    assert not store.exists("d/1") and store.exists("d/10")


def test_a_bucket_refusing_the_listing_of_versions_fails_the_delete(s3_server: str) -> None:
    """The credentials may delete objects but not list their versions (moto names the action
    s3:ListObjectVersions, AWS s3:ListBucketVersions): the file is not counted as gone."""
    make_bucket(s3_server, VERSIONED, "Enabled")
    _write_history(s3_server, VERSIONED, "e/1")
    store = _store(s3_server, VERSIONED, credentials_denied(s3_server, "s3:ListObjectVersions"))
    with permissions_checked(s3_server), pytest.raises(DeleteRefused) as refused:
        store.delete("e/1")
    message = str(refused.value)
    assert "refused s3:ListBucketVersions" in message and f"{PREFIX}/e/1 was not deleted" in message
    assert "s3:DeleteObjectVersion on arn:aws:s3:::worklink-versioned/*" in message
    assert _history(s3_server, VERSIONED, "e/1").count(("e/1", "Versions")) == 3


def test_a_bucket_refusing_to_delete_a_version_fails_the_delete(s3_server: str) -> None:
    """Deleting one version is refused. moto checks a delete with a version id as the API call
    DeleteObject, where AWS checks s3:DeleteObjectVersion, so the policy denies s3:DeleteObject:
    on a versioned bucket the store only ever deletes versions, so the effect is the same."""
    make_bucket(s3_server, VERSIONED, "Enabled")
    _write_history(s3_server, VERSIONED, "f/1")
    store = _store(s3_server, VERSIONED, credentials_denied(s3_server, "s3:DeleteObject"))
    with permissions_checked(s3_server), pytest.raises(DeleteRefused) as refused:
        store.delete("f/1")
    assert "versioning Enabled) and refused s3:DeleteObjectVersion" in str(refused.value)
    assert len(_history(s3_server, VERSIONED, "f/1")) == 4


def test_a_bucket_hiding_its_versioning_fails_the_delete(s3_server: str) -> None:
    """Without s3:GetBucketVersioning the bucket may keep versions: nothing is deleted on a
    guess, not even the current version."""
    make_bucket(s3_server, VERSIONED, "Enabled")
    _write_history(s3_server, VERSIONED, "g/1")
    store = _store(s3_server, VERSIONED, credentials_denied(s3_server, "s3:GetBucketVersioning"))
    with permissions_checked(s3_server), pytest.raises(DeleteRefused) as refused:
        store.delete("g/1")
    assert ("Grant these credentials s3:GetBucketVersioning on arn:aws:s3:::worklink-versioned"
            in str(refused.value))
    assert len(_history(s3_server, VERSIONED, "g/1")) == 4
