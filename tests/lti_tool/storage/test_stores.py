"""Both stores keep and give back bytes by key, streaming, and refuse keys they did not make.

The S3 store is tested against moto's S3 server on 127.0.0.1 (tests/lti_tool/storage/s3_server.py).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from competencies.ports import ArtifactStore
from lti_tool.storage.keys import new_key
from lti_tool.storage.local import LocalStore
from lti_tool.storage.s3 import S3Store
from tests.lti_tool.storage.s3_server import PREFIX, make_bucket, s3_client

BUCKET = "worklink-test"


def _s3(endpoint: str) -> S3Store:
    make_bucket(endpoint, BUCKET)
    return S3Store(BUCKET, prefix=PREFIX, endpoint_url=endpoint, region="us-east-1",
                   access_key_id="test", secret_access_key="test")


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ArtifactStore:
    if request.param == "local":
        return LocalStore(tmp_path / "artifacts")
    return _s3(request.getfixturevalue("s3_server"))


def _chunks(total: int, size: int = 1024 * 1024) -> Iterator[bytes]:
    block = os.urandom(size)
    sent = 0
    while sent < total:
        piece = block[: min(size, total - sent)]
        sent += len(piece)
        yield piece


def test_bytes_written_in_chunks_come_back_the_same(store: ArtifactStore) -> None:
    key = new_key()
    expected = hashlib.sha256()
    chunks = list(_chunks(19 * 1024 * 1024 + 17))  # S3: three parts, the last one short
    for chunk in chunks:
        expected.update(chunk)
    assert store.put(key, iter(chunks)) == 19 * 1024 * 1024 + 17
    got = hashlib.sha256()
    with store.open(key) as stream:
        while block := stream.read(1024 * 1024):
            got.update(block)
    assert got.hexdigest() == expected.hexdigest()
    assert store.exists(key)


def test_a_kept_file_is_gone_from_where_it_was(store: ArtifactStore, tmp_path: Path) -> None:
    source = tmp_path / "upload.part"
    source.write_bytes(b"%PDF-1.7 a small file")
    key = new_key()
    assert store.put_file(key, source) == 21
    assert not source.exists()
    with store.open(key) as stream:
        assert stream.read() == b"%PDF-1.7 a small file"


def test_a_deleted_key_is_gone_and_opening_it_says_so(store: ArtifactStore) -> None:
    key = new_key()
    store.put(key, [b"x"])
    store.delete(key)
    store.delete(key)  # twice is fine
    assert not store.exists(key)
    with pytest.raises(KeyError):
        store.open(key)


def test_the_local_store_refuses_a_key_it_did_not_make(tmp_path: Path) -> None:
    """A tampered row naming ../../worklink.db reads nothing outside the store."""
    store = LocalStore(tmp_path / "artifacts")
    (tmp_path / "secret").write_text("x")
    for key in ("../secret", "artifacts/../../secret", "/etc/passwd"):
        with pytest.raises(KeyError):
            store.open(key)


def test_keys_are_random_and_not_from_names() -> None:
    keys = {new_key() for _ in range(100)}
    assert len(keys) == 100 and all(len(k.rsplit("/", 1)[1]) == 32 for k in keys)


def test_an_s3_write_that_fails_leaves_no_parts_behind(s3_server: str) -> None:
    store = _s3(s3_server)
    key = new_key()

    def failing() -> Iterator[bytes]:
        yield from _chunks(12 * 1024 * 1024)
        raise OSError("the upload's source went away")

    with pytest.raises(OSError):
        store.put(key, failing())
    uploads = s3_client(s3_server).list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
    assert uploads == []
    assert not store.exists(key)


def test_the_s3_store_writes_under_its_prefix(s3_server: str) -> None:
    store = _s3(s3_server)
    key = new_key()
    store.put(key, [b"hello"])
    assert store.client.head_object(Bucket=BUCKET, Key=f"{PREFIX}/{key}")["ContentLength"] == 5


class _GcsLikeDeletes(BaseHTTPRequestHandler):
    """An S3-speaking server that answers a delete of a missing key as Google Cloud Storage's
    S3 interface does (404 NoSuchKey), where moto, like AWS, answers 204; a key whose name ends
    in ``locked`` is refused (403 AccessDenied). Its buckets have no versioning, and the bucket
    ``no-versions-api`` does not know the versioning call at all (501 NotImplemented)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.startswith("/no-versions-api?versioning"):
            self._answer(501, b"<Error><Code>NotImplemented</Code></Error>")
        elif self.path.endswith("?versioning"):
            self._answer(200, b'<VersioningConfiguration xmlns='
                              b'"http://s3.amazonaws.com/doc/2006-03-01/"/>')
        else:
            self._answer(404, b"<Error><Code>NoSuchKey</Code></Error>")

    def do_DELETE(self) -> None:  # noqa: N802 (http.server's naming)
        status, code = (403, b"AccessDenied") if self.path.endswith("locked") else (404, b"NoSuchKey")
        self._answer(status, b"<Error><Code>" + code + b"</Code></Error>")

    def _answer(self, status: int, xml: bytes) -> None:
        body = b"<?xml version='1.0' encoding='UTF-8'?>" + xml
        self.send_response(status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def gcs_like_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GcsLikeDeletes)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def gcs_like(gcs_like_server: str) -> S3Store:
    return S3Store(BUCKET, endpoint_url=gcs_like_server, region="us-east-1",
                   access_key_id="test", secret_access_key="test")


def test_a_key_already_gone_is_deleted_where_the_server_answers_404(gcs_like: S3Store) -> None:
    gcs_like.delete(new_key())  # no error: the bytes are not there, which is what a delete wants


def test_a_delete_the_server_refuses_still_raises(gcs_like: S3Store) -> None:
    with pytest.raises(ClientError):
        gcs_like.delete(new_key() + "locked")


def test_a_server_without_the_versioning_call_gets_plain_deletes(gcs_like_server: str) -> None:
    """Versioning is optional for S3-compatible servers: one that does not implement it keeps
    no versions, and a delete there is the plain one."""
    store = S3Store("no-versions-api", endpoint_url=gcs_like_server, region="us-east-1",
                    access_key_id="test", secret_access_key="test")
    store.delete(new_key())
    assert store.versioning() == ""
