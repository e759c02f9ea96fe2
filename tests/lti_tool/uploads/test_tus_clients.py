"""The tus server against a maintained client (tuspy) and a connection cut mid-PATCH, over HTTP."""

from __future__ import annotations

import hashlib
import io
import os
import socket
from urllib.parse import urlsplit

from tusclient.client import TusClient

from tests.lti_tool.uploads.conftest import LiveUploads
from tests.lti_tool.uploads.photo_factories import pdf_document


def _pdf_of(size: int) -> bytes:
    head = pdf_document()
    return head + os.urandom(size - len(head))


def _metadata(live: LiveUploads, name: str) -> dict[str, str]:
    return {"filename": name, "filetype": "application/pdf",
            "submission": str(live.classroom.submissions[0])}


def test_tuspy_uploads_a_file_in_chunks(live_uploads: LiveUploads) -> None:
    content = _pdf_of(3 * 1024 * 1024 + 5)
    client = TusClient(live_uploads.origin + "/uploads", headers=live_uploads.headers())
    uploader = client.uploader(file_stream=io.BytesIO(content), chunk_size=1024 * 1024,
                               metadata=_metadata(live_uploads, "timesheet.pdf"),
                               upload_checksum=True)
    uploader.upload()
    [stored] = live_uploads.kept()
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_tuspy_resumes_an_upload_stopped_at_60_percent(live_uploads: LiveUploads) -> None:
    content = _pdf_of(2 * 1024 * 1024)
    metadata = _metadata(live_uploads, "report.pdf")
    client = TusClient(live_uploads.origin + "/uploads", headers=live_uploads.headers())
    first = client.uploader(file_stream=io.BytesIO(content), chunk_size=256 * 1024,
                            metadata=metadata)
    first.upload(stop_at=int(len(content) * 0.6))
    assert live_uploads.kept() == []
    # A new client (the phone came back), resuming by the upload's URL.
    again = TusClient(live_uploads.origin + "/uploads", headers=live_uploads.headers())
    second = again.uploader(file_stream=io.BytesIO(content), url=first.url,
                            chunk_size=256 * 1024, metadata=metadata)
    assert second.offset == first.offset == int(len(content) * 0.6)
    second.upload()
    [stored] = live_uploads.kept()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_a_connection_cut_mid_patch_keeps_the_bytes_that_arrived(live_uploads: LiveUploads) -> None:
    """The phone loses its signal halfway through a chunk: the next HEAD says how far it got."""
    content = _pdf_of(1024 * 1024)
    metadata = _metadata(live_uploads, "cut.pdf")
    client = TusClient(live_uploads.origin + "/uploads", headers=live_uploads.headers())
    uploader = client.uploader(file_stream=io.BytesIO(content), chunk_size=len(content),
                               metadata=metadata)
    url = uploader.create_url()
    path = urlsplit(url).path
    host, port = urlsplit(live_uploads.origin).hostname, urlsplit(live_uploads.origin).port
    sent = 400_000
    head = "".join(f"{k}: {v}\r\n" for k, v in {
        **live_uploads.headers(), "Host": f"{host}:{port}", "Upload-Offset": "0",
        "Content-Type": "application/offset+octet-stream",
        "Content-Length": str(len(content))}.items())
    with socket.create_connection((host, port)) as raw:  # type: ignore[arg-type]
        raw.sendall(f"PATCH {path} HTTP/1.1\r\n{head}\r\n".encode() + content[:sent])
        raw.shutdown(socket.SHUT_WR)  # the connection drops; the rest never comes
        raw.recv(1024)
    resumed = client.uploader(file_stream=io.BytesIO(content), url=url, chunk_size=256 * 1024,
                              metadata=metadata)
    assert resumed.offset == sent
    resumed.upload()
    [stored] = live_uploads.kept()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
