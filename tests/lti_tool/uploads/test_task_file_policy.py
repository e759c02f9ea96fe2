"""A task that accepts only some files: the student's page says so before any upload, and the
tus server refuses what the task excludes, before the bytes and after sniffing them."""

from __future__ import annotations

import base64
import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.models import Upload
from tests.competencies.work.factories import classwork
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass
from tests.lti_tool.uploads.conftest import Classroom, kept_files, tus_headers
from tests.lti_tool.uploads.photo_factories import jpeg_with_gps, pdf_document

MB = 1024 * 1024


def _pdf_only_classroom(db: Session) -> Classroom:
    work = classwork(db, students=1)
    task = db.get(Task, work.placed.task.id)
    assert task is not None
    task.file_groups, task.file_max_bytes = ["pdf"], 5 * MB
    db.flush()
    mine = work.open(db, 0)  # freezes the task as narrowed
    task.file_groups, task.file_max_bytes = ["pdf", "images"], None  # a later edit: not theirs
    db.commit()
    return Classroom(work.placed.course_id, work.school.context.registration_id,
                     [work.student(0)], [mine.id], work.placed.resource_link_id)


def _create(client: FlaskClient, headers: dict[str, str], classroom: Classroom, length: int,
            name: str, filetype: str):  # type: ignore[no-untyped-def]
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in (
        ("filename", name), ("filetype", filetype), ("submission", str(classroom.submissions[0]))))
    return client.post("/uploads", headers={**headers, "Upload-Length": str(length),
                                            "Upload-Metadata": meta})


def test_a_type_the_task_excludes_is_refused_before_a_byte_is_sent(
        app: Flask, client: FlaskClient, db: Session) -> None:
    classroom = _pdf_only_classroom(db)
    answer = _create(client, tus_headers(app, classroom), classroom, 100, "site.jpg",
                     "image/jpeg")
    assert answer.status_code == 422
    assert answer.text == "“site.jpg” is not a kind of file this task accepts. It accepts " \
                          "PDF documents."
    too_big = _create(client, tus_headers(app, classroom), classroom, 6 * MB, "log.pdf",
                      "application/pdf")
    assert too_big.status_code == 413
    assert too_big.text == "“log.pdf” is 6 MB; files may be at most 5 MB."
    assert db.scalars(select(Upload)).all() == []


def test_content_the_task_excludes_is_refused_after_sniffing_and_nothing_is_kept(
        app: Flask, client: FlaskClient, db: Session, config) -> None:  # type: ignore[no-untyped-def]
    """The phone names no ending and says PDF; the bytes are a photo."""
    classroom = _pdf_only_classroom(db)
    headers = tus_headers(app, classroom)
    content = jpeg_with_gps()
    url = _create(client, headers, classroom, len(content), "IMG_0001",
                  "application/pdf").headers["Location"]
    answer = client.patch(url, data=content, headers={
        **headers, "Content-Type": "application/offset+octet-stream", "Upload-Offset": "0"})
    assert answer.status_code == 422
    assert answer.text == "The content of “IMG_0001” is not a kind of file this task accepts " \
                          "(PDF documents)."
    assert kept_files(db, classroom.submissions[0]) == []
    assert list((config.instance_dir / "artifacts").rglob("*.*")) == []
    pdf = pdf_document()
    url = _create(client, headers, classroom, len(pdf), "log.pdf",
                  "application/pdf").headers["Location"]
    assert client.patch(url, data=pdf, headers={
        **headers, "Content-Type": "application/offset+octet-stream",
        "Upload-Offset": "0"}).status_code == 204
    assert [f.filename for f in kept_files(db, classroom.submissions[0])] == ["log.pdf"]


def test_the_students_page_says_what_the_task_accepts_before_any_upload(
        app: Flask, flow: Flow, db: Session) -> None:
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.FILES,))
    task = db.get(Task, placed.task_id)
    assert task is not None
    task.file_groups, task.file_max_bytes = ["pdf", "audio"], 25 * MB
    db.commit()
    page = placed.student()
    accept = re.search(r'id="upload-file" multiple accept="([^"]+)"', page)
    assert accept is not None and accept.group(1).startswith(".pdf,audio/*,.mp3")
    assert "image/*" not in accept.group(1) and "video/*" not in accept.group(1)
    assert "Accepted: PDF documents, audio recordings, up to 25 MB each." in page
    assert 'data-max-bytes="26214400"' in page
    assert "upload-camera" not in page, "no camera for a task that takes no photos"


def test_a_task_that_asks_for_no_files_shows_no_upload(app: Flask, flow: Flow,
                                                       db: Session) -> None:
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.REFLECTION,))
    page = placed.student()
    assert "upload-widget" not in page and "tus.min.js" not in page
