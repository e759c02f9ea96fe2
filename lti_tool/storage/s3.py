"""S3-compatible object storage (AWS S3, MinIO, Ceph, Garage, ...) through boto3.

Bytes stream both ways: a write goes up as a multipart upload, one part of ``part_size`` at a
time (S3's minimum part is 5 MiB), so the server holds at most one part of a file in memory; a
read is the object's streaming body. A write that fails aborts its multipart upload, so the
bucket keeps no orphaned parts.

A delete removes the file for good, also on a bucket that keeps versions: there a plain
DeleteObject only adds a delete marker and the bytes stay in the bucket's history, so the store
deletes every version of the key. A bucket that refuses what that takes fails the delete with
:class:`DeleteRefused`, naming the permission to grant, rather than leaving a copy behind.

An operator may turn versioning on (or suspend it) while Worklink runs, and the web process
keeps one store for its whole life: the store asks the bucket again once its answer is
:data:`VERSIONING_TTL` old, and at once when a plain delete answers with a delete marker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

PART_SIZE = 8 * 1024 * 1024

VERSIONING_TTL = 60.0
"""Seconds a store trusts the bucket's versioning answer: the purge runs each minute, so a
changed setting reaches it and the web process alike by the next run."""

_GONE = ("NoSuchKey", "NoSuchVersion", "404", "NotFound")
"""What servers answer for a key (or version) already deleted: AWS, MinIO and Ceph answer 204,
Google Cloud Storage's S3 interface and some others 404 NoSuchKey. Either way the bytes are
gone, and raising would stop the purge on that file every minute."""

_REFUSED = ("AccessDenied", "403", "Forbidden")


class DeleteRefused(RuntimeError):
    """The bucket refused a call a complete delete needs (the message names the permission).

    The file is not counted as deleted: the purge keeps its row and tries again each minute,
    and the error says in the worker's log what the operator has to grant.
    """




class S3Store:
    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None, part_size: int = PART_SIZE,
                 page_size: int = 1000, client: Any = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = max(part_size, 5 * 1024 * 1024)
        self.page_size = page_size  # entries per page when listing a key's versions
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            # Path-style addressing: MinIO and most self-hosted servers need it, AWS accepts it.
            config=BotoConfig(s3={"addressing_style": "path"}, retries={"mode": "standard"}))
        self._clock = clock
        self._versioning: tuple[str, float] | None = None
        """The bucket's last answer and when it was asked (by ``clock``)."""

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, chunks: Iterable[bytes]) -> int:
        parts = _parts(chunks, self.part_size)
        first = next(parts, b"")
        second = next(parts, None)
        if second is None:
            # One part or less: a single PUT (a multipart upload needs parts of 5 MiB).
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=first)
            return len(first)
        upload = self.client.create_multipart_upload(Bucket=self.bucket, Key=self._key(key))
        upload_id = upload["UploadId"]
        done: list[dict[str, Any]] = []
        written = 0
        try:
            for number, part in enumerate(_chain(first, second, parts), start=1):
                answer = self.client.upload_part(Bucket=self.bucket, Key=self._key(key),
                                                 UploadId=upload_id, PartNumber=number, Body=part)
                done.append({"PartNumber": number, "ETag": answer["ETag"]})
                written += len(part)
            self.client.complete_multipart_upload(
                Bucket=self.bucket, Key=self._key(key), UploadId=upload_id,
                MultipartUpload={"Parts": done})
        except BaseException:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self._key(key),
                                               UploadId=upload_id)
            raise
        return written

    def put_file(self, key: str, path: Path) -> int:
        with path.open("rb") as source:
            written = self.put(key, iter(lambda: source.read(1024 * 1024), b""))
        path.unlink()
        return written

    def open(self, key: str) -> BinaryIO:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise
        return answer["Body"]  # type: ignore[no-any-return]

    def versioning(self) -> str:
        """The bucket's versioning: ``Enabled``, ``Suspended``, or ``""`` if it never had any.

        Asked (one GetBucketVersioning) when the last answer is :data:`VERSIONING_TTL` old, not
        per delete.
        """
        now = self._clock()
        if self._versioning is None or now - self._versioning[1] >= VERSIONING_TTL:
            self._versioning = (self._ask_versioning(), now)
        return self._versioning[0]

    def _ask_versioning(self) -> str:
        try:
            answer = self.client.get_bucket_versioning(Bucket=self.bucket)
        except ClientError as exc:
            code = _code(exc)
            if code == "NotImplemented":
                # A server without object versions at all answers so (the API is optional
                # for S3-compatible servers): every delete is already complete there.
                return ""
            if code in _REFUSED:
                # Unknown means possibly versioned: deleting on a guess could leave copies.
                raise DeleteRefused(
                    f"S3 bucket {self.bucket!r} refused s3:GetBucketVersioning, so Worklink "
                    "cannot tell whether deleting a file also has to remove its old versions: "
                    "no file is deleted until it can. Grant these credentials "
                    f"s3:GetBucketVersioning on arn:aws:s3:::{self.bucket} (`worklink storage "
                    "check` tests the permissions).") from exc
            raise
        return str(answer.get("Status") or "")

    def keeps_versions(self) -> bool:
        # Suspended versioning stops making new versions but keeps those made before.
        return self.versioning() in ("Enabled", "Suspended")

    def delete(self, key: str) -> None:
        """Delete ``key`` for good: on a bucket that keeps versions, every version and delete
        marker of it; elsewhere one DeleteObject, as a listing per delete would cost for
        nothing (unless its answer shows the bucket keeps versions after all)."""
        if self.keeps_versions():
            self._delete_every_version(key)
            return
        try:
            answer = self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) not in _GONE:
                raise
            return
        if answer.get("DeleteMarker") or answer.get("VersionId"):
            # Only a bucket that keeps versions answers with a delete marker: versioning was
            # turned on since it was last asked, and the marker only hides the file.
            self._versioning = None
            self._delete_every_version(key)

    def _delete_every_version(self, key: str) -> None:
        for version_id in self.versions(key):
            try:
                self.client.delete_object(Bucket=self.bucket, Key=self._key(key),
                                          VersionId=version_id)
            except ClientError as exc:
                if _code(exc) in _GONE:
                    continue
                if _code(exc) in _REFUSED:
                    raise self._refused(key, "s3:DeleteObjectVersion") from exc
                raise

    def versions(self, key: str) -> list[str]:
        """The ids of every version and delete marker the bucket keeps of ``key``, read to the
        end before any is deleted (deleting while paging could shift the pages)."""
        full = self._key(key)
        found: list[str] = []
        try:
            # Prefix is the only filter the API has: "a/1" also lists "a/10", hence the exact
            # match on Key.
            for page in self.client.get_paginator("list_object_versions").paginate(
                    Bucket=self.bucket, Prefix=full,
                    PaginationConfig={"PageSize": self.page_size}):
                found.extend(entry["VersionId"]
                             for entry in page.get("Versions", []) + page.get("DeleteMarkers", [])
                             if entry["Key"] == full)
        except ClientError as exc:
            if _code(exc) in _REFUSED:
                raise self._refused(key, "s3:ListBucketVersions") from exc
            raise
        return found

    def _refused(self, key: str, permission: str) -> DeleteRefused:
        return DeleteRefused(
            f"S3 bucket {self.bucket!r} keeps old versions (versioning {self.versioning()}) "
            f"and refused {permission}, which deleting a file for good needs there: "
            f"{self._key(key)} was not deleted. Grant these credentials s3:ListBucketVersions on "
            f"arn:aws:s3:::{self.bucket} and s3:DeleteObjectVersion on "
            f"arn:aws:s3:::{self.bucket}/* (`worklink storage check` tests them).")

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _code(exc) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _parts(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """The chunks regrouped into parts of exactly ``size`` bytes, the last one shorter."""
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


def _chain(first: bytes, second: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield second
    yield from rest
