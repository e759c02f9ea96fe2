"""S3-compatible object storage (AWS S3, MinIO, Ceph, Garage, ...) through boto3.

Bytes stream both ways: a write goes up as a multipart upload, one part of ``part_size`` at a
time (S3's minimum part is 5 MiB), so the server holds at most one part of a file in memory; a
read is the object's streaming body. A write that fails aborts its multipart upload, so the
bucket keeps no orphaned parts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

PART_SIZE = 8 * 1024 * 1024


class S3Store:
    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None, part_size: int = PART_SIZE,
                 client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.part_size = max(part_size, 5 * 1024 * 1024)
        self.client = client or boto3.client(
            "s3", endpoint_url=endpoint_url, region_name=region,
            aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key,
            # Path-style addressing: MinIO and most self-hosted servers need it, AWS accepts it.
            config=BotoConfig(s3={"addressing_style": "path"}, retries={"mode": "standard"}))

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

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            # AWS, MinIO and Ceph answer 204 for a key already gone; Google Cloud Storage's S3
            # interface and some others answer 404 NoSuchKey. Either way the bytes are gone, and
            # raising would stop the purge on that file every minute.
            if exc.response.get("Error", {}).get("Code") not in ("NoSuchKey", "404", "NotFound"):
                raise

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True


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
