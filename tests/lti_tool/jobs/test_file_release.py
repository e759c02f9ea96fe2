"""A file a student takes out of their draft leaves the store with the next purge; a file
handed in with any version stays, whatever the student removes later."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.tasks.vocabulary import EvidenceKind
from competencies.work import submissions
from competencies.work.handing_in import return_for_revision, submit
from competencies.work.model import ReleasedFile, Submission
from competencies.work.stored_file import StoredFile
from lti_tool.jobs import jobs
from lti_tool.storage import artifact_store, new_key
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass


def _stored_file(app: Flask, name: str) -> StoredFile:
    """Bytes in the app's store, as a completed upload leaves them (a photo and its thumbnail)."""
    store = artifact_store(app)
    key, thumbnail = new_key("artifacts"), new_key("thumbnails", ".jpg")
    store.put(key, [b"\xff\xd8 a photo of the site"])
    store.put(thumbnail, [b"\xff\xd8 small"])
    return StoredFile(key=key, sha256="0" * 64, size=22, media_type="image/jpeg",
                      filename=name, thumbnail_key=thumbnail)


def _remove(placed: PlacedClass, submission: Submission, artifact_id: int) -> int:
    return placed.post(f"/student/course/{placed.course_id}/submission/{submission.id}/"
                       f"artifacts/{artifact_id}/remove", {}).status_code


def _file_in(app: Flask, db: Session, placed: PlacedClass, name: str
             ) -> tuple[Submission, int, StoredFile]:
    submission = placed.submission()
    stored = _stored_file(app, name)
    artifact = submissions.add_file(db, submission, stored, utcnow())
    db.commit()
    return submission, artifact.id, stored


def test_a_file_removed_from_the_draft_is_purged_from_the_store(
        app: Flask, flow: Flow, db: Session) -> None:
    placed = PlacedClass(app, flow, db, evidence=(EvidenceKind.FILES,))
    placed.student()
    placed.post(f"{placed.task_url}/submission", {})  # the student's work starts
    submission, artifact_id, stored = _file_in(app, db, placed, "blurry.jpg")
    store = artifact_store(app)
    assert _remove(placed, submission, artifact_id) == 303
    assert store.exists(stored.key), "the bytes wait for the purge, after the removal commits"
    jobs(app).purge_expired()
    assert not store.exists(stored.key) and not store.exists(stored.thumbnail_key or "")
    db.expire_all()
    assert db.scalars(select(ReleasedFile)).all() == []


def test_a_handed_in_file_stays_in_the_store_when_the_next_draft_drops_it(
        app: Flask, flow: Flow, db: Session) -> None:
    placed = PlacedClass(app, flow, db, evidence=(EvidenceKind.FILES,))
    placed.student()
    placed.post(f"{placed.task_url}/submission", {})
    submission, artifact_id, stored = _file_in(app, db, placed, "panel.jpg")
    submit(db, submission, utcnow(), due_at=None)
    return_for_revision(db, submission, "Show the finished panel.", "Ms. Diaz",
                        utcnow() + dt.timedelta(minutes=1))
    db.commit()
    assert _remove(placed, submission, artifact_id) == 303
    jobs(app).purge_expired()
    store = artifact_store(app)
    assert store.exists(stored.key) and store.exists(stored.thumbnail_key or "")
    with store.open(stored.key) as kept:
        assert kept.read() == b"\xff\xd8 a photo of the site"
