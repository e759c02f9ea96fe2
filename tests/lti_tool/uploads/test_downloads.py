"""Students' files are served only to those allowed, as downloads that cannot run anything."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from competencies.work import submissions
from competencies.work.model import Artifact, Submission
from competencies.work.stored_file import StoredFile
from lti_tool.security import SESSION_HEADER, Role
from lti_tool.signing import Purpose, signer
from lti_tool.storage import artifact_store, new_key
from lti_tool.uploads.downloads import signed_url
from tests.lti_tool.session_factories import session_token
from tests.lti_tool.uploads.conftest import Classroom, tus_headers
from tests.lti_tool.uploads.photo_factories import pdf_document

NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def _stored(app: Flask, content: bytes, media_type: str, filename: str,
            thumbnail: bytes | None = None) -> StoredFile:
    store = artifact_store(app)
    key = new_key()
    store.put(key, [content])
    thumb_key = None
    if thumbnail is not None:
        thumb_key = new_key("thumbnails", ".jpg")
        store.put(thumb_key, [thumbnail])
    return StoredFile(key=key, sha256="0" * 64, size=len(content), media_type=media_type,
                      filename=filename, thumbnail_key=thumb_key)


@pytest.fixture
def report(app: Flask, db: Session, classroom: Classroom) -> Artifact:
    """The first student's PDF, named with an accent and a quote."""
    submission = db.get(Submission, classroom.submissions[0])
    assert submission is not None
    artifact = submissions.add_file(db, submission, _stored(
        app, pdf_document(), "application/pdf", 'Informe "final" – clínica.pdf'), NOW)
    db.commit()
    return artifact


def _teacher(app: Flask, classroom: Classroom, course_id: int | None = None) -> dict[str, str]:
    return {SESSION_HEADER: session_token(app, Role.TEACHER, user_id=None,
                                          course_id=course_id or classroom.course_id,
                                          registration_id=classroom.registration_id)}


def test_the_student_downloads_their_file_as_an_attachment_that_cannot_run(
        app: Flask, client: FlaskClient, classroom: Classroom, report: Artifact) -> None:
    answer = client.get(f"/files/{report.id}", headers=tus_headers(app, classroom, 0))
    assert answer.status_code == 200 and answer.data == pdf_document()
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Informe%20%22final%22%20%E2%80%93%20cl%C3%ADnica.pdf" in \
        answer.headers["Content-Disposition"]
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in answer.headers["Cache-Control"]


def test_the_courses_teacher_downloads_it(app: Flask, client: FlaskClient, classroom: Classroom,
                                          report: Artifact) -> None:
    answer = client.get(f"/files/{report.id}", headers=_teacher(app, classroom))
    assert answer.status_code == 200 and answer.data == pdf_document()


def test_another_student_and_another_courses_teacher_get_nothing(
        app: Flask, client: FlaskClient, classroom: Classroom, report: Artifact) -> None:
    assert client.get(f"/files/{report.id}",
                      headers=tus_headers(app, classroom, 1)).status_code == 404
    other_course = _teacher(app, classroom, course_id=classroom.course_id + 1000)
    assert client.get(f"/files/{report.id}", headers=other_course).status_code == 404
    assert client.get(f"/files/{report.id}").status_code == 401


def test_a_signed_url_needs_no_login_and_names_one_file(
        app: Flask, client: FlaskClient, report: Artifact) -> None:
    """The LMS fetches a submitted file by its URL itself, with no Worklink session."""
    with app.test_request_context():
        url = signed_url(report.id)
    answer = client.get(url)
    assert answer.status_code == 200 and answer.data == pdf_document()
    assert answer.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert answer.headers["Content-Disposition"].startswith("attachment;")


def test_a_tampered_signed_url_is_refused(app: Flask, client: FlaskClient,
                                          report: Artifact) -> None:
    """The token's artifact id changed to another file's."""
    with app.test_request_context():
        url = signed_url(report.id)
        forged_body = signer().dumps(Purpose.FILE_DOWNLOAD, [report.id + 1, "f"], max_age=60)
    token = url.rsplit("/", 1)[1]
    forged = forged_body.split(".")[0] + "." + token.split(".")[1]
    answer = client.get(f"/files/s/{forged}")
    assert answer.status_code == 403 and b"not valid" in answer.data
    assert client.get(url.rsplit(".", 1)[0] + ".AAAA").status_code == 403


def test_an_expired_signed_url_says_it_expired(app: Flask, client: FlaskClient,
                                               report: Artifact) -> None:
    with app.test_request_context():
        old = signer().dumps(Purpose.FILE_DOWNLOAD, [report.id, "f"], max_age=60,
                             now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp())
    answer = client.get(f"/files/s/{old}")
    assert answer.status_code == 410 and b"expired" in answer.data
    # An employer opens these links too: the advice sends no one to a course they do not have.
    assert b"the page the file was opened from" in answer.data and b"course" not in answer.data
    spanish = client.get(f"/files/s/{old}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "hay que volver a la página" in spanish and "curso" not in spanish


def test_a_token_signed_for_another_purpose_opens_no_file(app: Flask, client: FlaskClient,
                                                          report: Artifact) -> None:
    with app.test_request_context():
        form = signer().dumps(Purpose.FORM, [report.id, "f"], max_age=60)
    assert client.get(f"/files/s/{form}").status_code == 403


def test_a_photo_is_shown_inline_only_when_asked_and_its_thumbnail_always(
        app: Flask, client: FlaskClient, db: Session, classroom: Classroom) -> None:
    submission = db.get(Submission, classroom.submissions[0])
    assert submission is not None
    photo = submissions.add_file(db, submission, _stored(
        app, b"\xff\xd8\xff jpeg", "image/jpeg", "site.jpg", thumbnail=b"\xff\xd8\xff thumb"), NOW)
    db.commit()
    headers = tus_headers(app, classroom, 0)
    assert client.get(f"/files/{photo.id}", headers=headers).headers[
        "Content-Disposition"].startswith("attachment;")
    shown = client.get(f"/files/{photo.id}?view=1", headers=headers)
    assert shown.headers["Content-Disposition"].startswith("inline;")
    with app.test_request_context():
        thumb = client.get(signed_url(photo.id, thumbnail=True))
    assert thumb.data == b"\xff\xd8\xff thumb" and thumb.headers["Content-Type"] == "image/jpeg"
    assert thumb.headers["Content-Disposition"].startswith("inline;")


def test_a_pdf_is_never_inline(app: Flask, client: FlaskClient, classroom: Classroom,
                               report: Artifact) -> None:
    answer = client.get(f"/files/{report.id}?view=1", headers=tus_headers(app, classroom, 0))
    assert answer.headers["Content-Disposition"].startswith("attachment;")
