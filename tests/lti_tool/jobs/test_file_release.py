"""A file a student takes out of their draft leaves the store with the next purge, once the
removal committed; a file handed in with any version stays, whatever the student removes later.

Each test runs on both stores: local files and an S3 bucket (moto's S3 server on 127.0.0.1,
tests/lti_tool/storage/s3_server.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.ports import ArtifactStore
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import submissions
from competencies.work.handing_in import return_for_revision, submit
from competencies.work.model import ReleasedFile, Submission
from competencies.work.stored_file import StoredFile
from lti_tool.config import Config
from lti_tool.jobs import jobs
from lti_tool.storage import artifact_store, new_key
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.storage.s3_server import s3_config
from tests.lti_tool.student.work_factories import PlacedClass

BUCKET = "worklink-released"


@pytest.fixture(params=["local", "s3"])
def config(request: pytest.FixtureRequest, config: Config) -> Config:
    if request.param == "local":
        return config
    return s3_config(config, request.getfixturevalue("s3_server"), BUCKET)


def _started(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    """A task asking for files, placed in a course; a student has started their work on it."""
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.FILES,))
    placed.student()
    placed.post(f"{placed.task_url}/submission", {})
    return placed


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


def _kept(store: ArtifactStore, stored: StoredFile) -> list[bool]:
    """Whether the file's bytes and its thumbnail are in the store (a bucket: on the server)."""
    return [store.exists(stored.key), store.exists(stored.thumbnail_key or "")]


def _released(db: Session) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(ReleasedFile.key)))


def test_a_file_removed_from_the_draft_is_purged_from_the_store(
        app: Flask, flow: Flow, db: Session) -> None:
    placed = _started(app, flow, db)
    submission, artifact_id, stored = _file_in(app, db, placed, "blurry.jpg")
    store = artifact_store(app)
    assert _remove(placed, submission, artifact_id) == 303
    assert store.exists(stored.key), "the bytes wait for the purge, after the removal commits"
    jobs(app).purge_expired()
    assert _kept(store, stored) == [False, False]
    assert _released(db) == []


def test_a_removal_that_rolls_back_releases_nothing(app: Flask, flow: Flow, db: Session) -> None:
    """The removal's transaction rolls back: the purge keeps the file and its thumbnail, and the
    same purge deletes them once a removal commits."""
    placed = _started(app, flow, db)
    submission, artifact_id, stored = _file_in(app, db, placed, "blurry.jpg")
    store = artifact_store(app)
    submissions.remove_artifact(db, submission, artifact_id, utcnow())
    db.rollback()
    jobs(app).purge_expired()
    assert _kept(store, stored) == [True, True]
    assert _remove(placed, submission, artifact_id) == 303, "the file is still in the draft"
    jobs(app).purge_expired()
    assert _kept(store, stored) == [False, False]


def test_a_key_already_gone_does_not_stop_the_purge(app: Flask, flow: Flow, db: Session) -> None:
    """A purge was cut short after deleting the file's bytes, before their row: the next one
    deletes the thumbnail and clears both rows."""
    placed = _started(app, flow, db)
    submission, artifact_id, stored = _file_in(app, db, placed, "blurry.jpg")
    store = artifact_store(app)
    assert _remove(placed, submission, artifact_id) == 303
    store.delete(stored.key)
    assert _kept(store, stored) == [False, True]
    jobs(app).purge_expired()
    assert _kept(store, stored) == [False, False]
    assert _released(db) == []


def test_a_handed_in_file_stays_in_the_store_when_the_next_draft_drops_it(
        app: Flask, flow: Flow, db: Session) -> None:
    placed = _started(app, flow, db)
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
