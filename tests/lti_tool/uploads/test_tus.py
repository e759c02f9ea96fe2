"""The tus 1.0 server: creation, offsets, resume, termination, expiry, and every bad request."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.work import submissions
from competencies.work.model import PlacedTaskWork, Submission
from competencies.work.submissions import MAX_FILES
from competencies.work.vocabulary import SubmissionState
from lti_tool.jobs import jobs
from lti_tool.models import Upload
from lti_tool.security import Role
from lti_tool.storage import artifact_store
from tests.competencies.work.factories import Classwork, classwork
from tests.lti_tool.session_factories import session_token
from tests.lti_tool.uploads.conftest import Classroom, kept_files, tus_headers
from tests.lti_tool.uploads.media_factories import DEVICE, phone_media
from tests.lti_tool.uploads.photo_factories import jpeg_with_gps, pdf_document

PATCH = "application/offset+octet-stream"
SUBMISSION: list[int] = [0]


@pytest.fixture(autouse=True)
def _first_submission(classroom: Classroom) -> None:
    SUBMISSION[0] = classroom.submissions[0]


def _first_student_token(app: Flask, work: Classwork) -> str:
    """A session for the class's first student, who has no submission yet."""
    return session_token(app, Role.STUDENT, user_id=work.student(0),
                         course_id=work.placed.course_id,
                         registration_id=work.school.context.registration_id)


def _meta(**values: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def _create(client: FlaskClient, headers: dict[str, str], length: int, name: str = "log.pdf",
            filetype: str = "application/pdf", submission: int | None = None):  # type: ignore[no-untyped-def]
    # The first student's submission unless told otherwise (the headers say who is asking).
    submission = submission or SUBMISSION[0]
    return client.post("/uploads", headers={**headers, "Upload-Length": str(length),
                                            "Upload-Metadata": _meta(filename=name, filetype=filetype,
                                                                     submission=str(submission))})


def _patch(client: FlaskClient, headers: dict[str, str], url: str, offset: int, body: bytes,
           **extra: str):  # type: ignore[no-untyped-def]
    return client.patch(url, data=body, headers={**headers, "Content-Type": PATCH,
                                                 "Upload-Offset": str(offset), **extra})


def test_options_says_which_protocol_and_extensions(client: FlaskClient) -> None:
    answer = client.options("/uploads")
    assert answer.status_code == 204 and answer.headers["Tus-Version"] == "1.0.0"
    assert set(answer.headers["Tus-Extension"].split(",")) == {
        "creation", "termination", "expiration", "checksum"}


def test_a_file_sent_in_two_patches_is_kept_and_recorded(app: Flask, client: FlaskClient,
                                                         classroom: Classroom, db: Session) -> None:
    headers = tus_headers(app, classroom)
    content = pdf_document()
    created = _create(client, headers, len(content))
    assert created.status_code == 201 and "Upload-Expires" in created.headers
    url = created.headers["Location"]
    assert url.startswith("/uploads/") and "session" not in url.lower()
    first = _patch(client, headers, url, 0, content[:100])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == "100"
    assert client.head(url, headers=headers).headers["Upload-Offset"] == "100"
    last = _patch(client, headers, url, 100, content[100:])
    assert last.status_code == 204 and last.headers["Upload-Offset"] == str(len(content))
    [stored] = kept_files(db, classroom.submissions[0])
    assert stored.media_type == "application/pdf" and stored.first_version == 1
    assert stored.sha256 == hashlib.sha256(content).hexdigest() and stored.filename == "log.pdf"
    assert stored.file_key is not None
    with artifact_store(app).open(stored.file_key) as kept:
        assert kept.read() == content


def test_a_mismatched_offset_is_a_conflict_and_changes_nothing(app: Flask, client: FlaskClient,
                                                               classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    url = _create(client, headers, 1000).headers["Location"]
    _patch(client, headers, url, 0, b"%PDF" + b"x" * 96)
    answer = _patch(client, headers, url, 50, b"y" * 50)
    assert answer.status_code == 409 and answer.headers["Upload-Offset"] == "100"
    assert client.head(url, headers=headers).headers["Upload-Offset"] == "100"


def test_a_chunk_whose_checksum_fails_is_dropped(app: Flask, client: FlaskClient,
                                                classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    url = _create(client, headers, 1000).headers["Location"]
    wrong = base64.b64encode(hashlib.sha1(b"something else").digest()).decode()
    answer = _patch(client, headers, url, 0, b"%PDF" * 25, **{"Upload-Checksum": f"sha1 {wrong}"})
    assert answer.status_code == 460
    assert client.head(url, headers=headers).headers["Upload-Offset"] == "0"
    right = base64.b64encode(hashlib.sha1(b"%PDF" * 25).digest()).decode()
    answer = _patch(client, headers, url, 0, b"%PDF" * 25, **{"Upload-Checksum": f"sha1 {right}"})
    assert answer.status_code == 204 and answer.headers["Upload-Offset"] == "100"


def test_more_bytes_than_announced_are_refused(app: Flask, client: FlaskClient,
                                               classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    url = _create(client, headers, 10).headers["Location"]
    assert _patch(client, headers, url, 0, b"%PDF-1.7 and more").status_code == 413
    assert client.head(url, headers=headers).headers["Upload-Offset"] == "0"


def test_a_file_over_the_limit_is_refused_before_a_byte_is_sent(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session) -> None:
    answer = _create(client, tus_headers(app, classroom), 300 * 1024 * 1024, "walkthrough.mp4",
                     "video/mp4")
    assert answer.status_code == 413
    assert "300 MB" in answer.text and "200 MB" in answer.text
    assert db.scalars(select(Upload)).all() == []


def test_a_type_the_task_does_not_take_is_refused_before_the_upload(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session) -> None:
    answer = _create(client, tus_headers(app, classroom), 100, "logo.svg", "image/svg+xml")
    assert answer.status_code == 422 and "logo.svg" in answer.text
    assert "PDF documents" in answer.text
    assert db.scalars(select(Upload)).all() == []


def test_content_that_contradicts_its_name_is_refused_and_nothing_is_kept(
        app: Flask, client: FlaskClient, classroom: Classroom, config, db: Session) -> None:  # type: ignore[no-untyped-def]
    headers = tus_headers(app, classroom)
    content = pdf_document()
    url = _create(client, headers, len(content), "photo.jpg", "image/jpeg").headers["Location"]
    answer = _patch(client, headers, url, 0, content)
    assert answer.status_code == 422
    assert "photo.jpg" in answer.text and "application/pdf" in answer.text
    assert kept_files(db, classroom.submissions[0]) == []
    assert list((config.instance_dir / "artifacts").rglob("*.*")) == []
    assert list((config.instance_dir / "uploads").glob("*.part")) == []
    assert client.head(url, headers=headers).status_code == 410


def test_a_photo_arrives_without_its_gps(app: Flask, client: FlaskClient,
                                         classroom: Classroom, db: Session) -> None:
    headers = tus_headers(app, classroom)
    content = jpeg_with_gps()
    url = _create(client, headers, len(content), "IMG_7.jpg", "image/jpeg").headers["Location"]
    assert _patch(client, headers, url, 0, content).status_code == 204
    [stored] = kept_files(db, classroom.submissions[0])
    assert stored.file_key is not None
    with artifact_store(app).open(stored.file_key) as kept:
        data = kept.read()
    assert b"Exif" not in data and b"iPhone" not in data and stored.thumbnail_key


def test_an_iphone_video_arrives_without_its_location(app: Flask, client: FlaskClient,
                                                     classroom: Classroom, db: Session,
                                                     tmp_path: Path) -> None:
    headers = tus_headers(app, classroom)
    content = phone_media(tmp_path / "clip.mov", "mov", apple_keys=True).read_bytes()
    url = _create(client, headers, len(content), "IMG_0042.MOV", "video/quicktime"
                  ).headers["Location"]
    assert _patch(client, headers, url, 0, content).status_code == 204
    [stored] = kept_files(db, classroom.submissions[0])
    assert stored.file_key is not None and stored.media_type == "video/quicktime"
    with artifact_store(app).open(stored.file_key) as kept:
        data = kept.read()
    assert b"ISO6709" not in data and b"40.8448" not in data and DEVICE.encode() not in data
    assert stored.size == len(data) and stored.sha256 == hashlib.sha256(data).hexdigest()


def test_a_damaged_video_is_refused_in_words_and_nothing_is_kept(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session, config,  # type: ignore[no-untyped-def]
        tmp_path: Path) -> None:
    headers = tus_headers(app, classroom)
    whole = phone_media(tmp_path / "clip.mp4", "mp4").read_bytes()
    content = whole[:whole.index(b"moov") + 40]
    url = _create(client, headers, len(content), "site.mp4", "video/mp4").headers["Location"]
    answer = _patch(client, headers, url, 0, content)
    assert answer.status_code == 422
    assert answer.text.startswith("“site.mp4” looks like a video or a recording but could not "
                                  "be read through")
    assert kept_files(db, classroom.submissions[0]) == []
    assert list((config.instance_dir / "artifacts").rglob("*.*")) == []
    assert list((config.instance_dir / "uploads").iterdir()) == []


def test_another_students_upload_is_not_found(app: Flask, client: FlaskClient,
                                              classroom: Classroom) -> None:
    mine = tus_headers(app, classroom, 0)
    url = _create(client, mine, 1000).headers["Location"]
    theirs = tus_headers(app, classroom, 1)
    assert client.head(url, headers=theirs).status_code == 404
    assert _patch(client, theirs, url, 0, b"%PDF").status_code == 404
    assert client.delete(url, headers=theirs).status_code == 404
    assert client.head(url, headers=mine).status_code == 200


def test_uploading_into_another_students_work_is_not_found(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session) -> None:
    answer = _create(client, tus_headers(app, classroom, 0), 100,
                     submission=classroom.submissions[1])
    assert answer.status_code == 404
    assert db.scalars(select(Upload)).all() == []


def test_an_unknown_upload_is_not_found(app: Flask, client: FlaskClient,
                                        classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    assert client.head("/uploads/no-such-upload", headers=headers).status_code == 404
    assert _patch(client, headers, "/uploads/no-such-upload", 0, b"x").status_code == 404


def test_a_request_without_the_session_header_is_refused(app: Flask, client: FlaskClient,
                                                         classroom: Classroom) -> None:
    """A cookie alone is what a cross-site form could send; the header it cannot."""
    headers = tus_headers(app, classroom)
    client.set_cookie("wl_session", headers["X-Worklink-Session"])
    answer = _create(client, {"Tus-Resumable": "1.0.0"}, 100)
    assert answer.status_code == 401
    assert "Access-Control-Allow-Origin" not in client.options("/uploads").headers


def test_a_request_without_the_protocol_version_is_refused(app: Flask, client: FlaskClient,
                                                           classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    headers.pop("Tus-Resumable")
    answer = _create(client, headers, 100)
    assert answer.status_code == 412 and answer.headers["Tus-Version"] == "1.0.0"


def test_a_patch_in_another_content_type_is_refused(app: Flask, client: FlaskClient,
                                                    classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    url = _create(client, headers, 100).headers["Location"]
    answer = client.patch(url, data=b"x", headers={**headers, "Content-Type": "text/plain",
                                                   "Upload-Offset": "0"})
    assert answer.status_code == 415


def test_termination_removes_the_upload_and_its_bytes(app: Flask, client: FlaskClient,
                                                      classroom: Classroom, config) -> None:  # type: ignore[no-untyped-def]
    headers = tus_headers(app, classroom)
    url = _create(client, headers, 1000).headers["Location"]
    _patch(client, headers, url, 0, b"%PDF" * 10)
    assert client.delete(url, headers=headers).status_code == 204
    assert client.head(url, headers=headers).status_code == 404
    assert list((config.instance_dir / "uploads").glob("*.part")) == []


def test_an_abandoned_upload_expires_and_the_purge_removes_it(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session, config) -> None:  # type: ignore[no-untyped-def]
    headers = tus_headers(app, classroom)
    url = _create(client, headers, 1000).headers["Location"]
    _patch(client, headers, url, 0, b"%PDF" * 10)
    upload = db.scalars(select(Upload)).one()
    upload.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.commit()
    assert client.head(url, headers=headers).status_code == 410
    jobs(app).purge_expired()
    db.expire_all()
    assert db.scalars(select(Upload)).all() == []
    assert not any(Path(config.instance_dir / "uploads").glob("*.part"))


def test_the_count_limit_counts_uploads_in_progress(app: Flask, client: FlaskClient,
                                                    classroom: Classroom) -> None:
    headers = tus_headers(app, classroom)
    for _ in range(MAX_FILES):
        assert _create(client, headers, 100).status_code == 201
    refused = _create(client, headers, 100)
    assert refused.status_code == 422 and f"{MAX_FILES} files" in refused.text


def test_work_handed_in_takes_no_new_upload(app: Flask, client: FlaskClient,
                                            classroom: Classroom, db: Session) -> None:
    submission = db.get(Submission, classroom.submissions[0])
    assert submission is not None
    submission.state = SubmissionState.SUBMITTED.value
    db.commit()
    answer = _create(client, tus_headers(app, classroom), 100)
    assert answer.status_code == 403 and "handed this work in" in answer.text
    assert db.scalars(select(Upload)).all() == []


def test_a_task_closed_while_the_file_travelled_keeps_nothing(
        app: Flask, client: FlaskClient, classroom: Classroom, db: Session, config) -> None:  # type: ignore[no-untyped-def]
    headers = tus_headers(app, classroom)
    content = pdf_document()
    url = _create(client, headers, len(content)).headers["Location"]
    db.merge(PlacedTaskWork(resource_link_id=classroom.resource_link_id,
                            closed_at=dt.datetime.now(dt.UTC)))
    db.commit()
    answer = _patch(client, headers, url, 0, content)
    assert answer.status_code == 409 and "closed this task" in answer.text
    assert kept_files(db, classroom.submissions[0]) == []
    assert list((config.instance_dir / "artifacts").rglob("*.*")) == []


def test_the_first_file_starts_the_students_submission(app: Flask, client: FlaskClient,
                                                      db: Session) -> None:
    """Before any change the student has no submission: the placed task names where it goes."""
    work = classwork(db, students=1)
    db.commit()
    token = _first_student_token(app, work)
    headers = {"Tus-Resumable": "1.0.0", "X-Worklink-Session": token}
    content = pdf_document()
    created = client.post("/uploads", headers={
        **headers, "Upload-Length": str(len(content)),
        "Upload-Metadata": _meta(filename="log.pdf", filetype="application/pdf",
                                 placed=str(work.placed.resource_link_id))})
    assert created.status_code == 201
    assert _patch(client, headers, created.headers["Location"], 0, content).status_code == 204
    submission = submissions.find_submission(db, work.placed.resource_link_id, work.student(0))
    assert submission is not None and len(kept_files(db, submission.id)) == 1


def test_a_refused_first_file_starts_no_submission(app: Flask, client: FlaskClient,
                                                   db: Session) -> None:
    work = classwork(db, students=1)
    db.commit()
    token = _first_student_token(app, work)
    answer = client.post("/uploads", headers={
        "Tus-Resumable": "1.0.0", "X-Worklink-Session": token, "Upload-Length": "10",
        "Upload-Metadata": _meta(filename="page.html", filetype="text/html",
                                 placed=str(work.placed.resource_link_id))})
    assert answer.status_code == 422
    db.expire_all()
    assert submissions.find_submission(db, work.placed.resource_link_id, work.student(0)) is None


def test_a_teacher_uploads_nothing_here(app: Flask, client: FlaskClient,
                                       classroom: Classroom) -> None:
    token = session_token(app, Role.TEACHER, user_id=classroom.students[0],
                          course_id=classroom.course_id, registration_id=classroom.registration_id)
    answer = _create(client, {"Tus-Resumable": "1.0.0", "X-Worklink-Session": token}, 100)
    assert answer.status_code == 403
