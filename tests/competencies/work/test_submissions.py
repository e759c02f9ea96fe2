"""A student's submission: started once, seen only by them and the course's staff, files added
to the draft until the task closes, the work is handed in or the file limit is reached."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.tasks.model import Task, TaskVersion
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import submissions
from competencies.work.handing_in import submit
from competencies.work.model import Submission
from competencies.work.submissions import (
    SubmissionNotFound,
    Viewer,
    WorkRefused,
    add_file,
    file_artifacts,
)
from tests.competencies.work.factories import NOW, classwork, photo, stored_rows


def test_a_submission_is_started_once_per_student_and_placed_task(db: Session) -> None:
    work = classwork(db)
    first = work.open(db)
    again = work.open(db)
    other = work.open(db, 1)
    assert first.id == again.id != other.id
    assert [v.number for v in first.versions] == [1] and first.state == "draft"
    assert db.scalar(select(func.count()).select_from(Submission)) == 2


def test_the_submission_keeps_the_task_version_it_started_on(db: Session) -> None:
    work = classwork(db)
    started = work.open(db)
    task = db.get(Task, work.placed.task.id)
    assert task is not None
    task.title, task.revision = "Renamed", task.revision + 1
    db.flush()
    later = work.open(db, 1)
    first = db.get(TaskVersion, started.task_version_id)
    assert first is not None and first.snapshot["title"] == "Clinic internship"
    assert later.task_version_id != started.task_version_id


def test_a_placed_student_has_their_placement_linked(db: Session) -> None:
    work = classwork(db)
    placement = work.school.place(db, 0)
    assert work.open(db, 0).placement_id == placement.id
    assert work.open(db, 1).placement_id is None


def test_another_students_submission_id_is_not_found(db: Session) -> None:
    work = classwork(db)
    mine, theirs = work.open(db, 0), work.open(db, 1)
    assert submissions.student_submission(db, mine.id, work.student(0)) is mine
    with pytest.raises(SubmissionNotFound):
        submissions.student_submission(db, theirs.id, work.student(0))
    with pytest.raises(SubmissionNotFound):
        submissions.course_submission(db, mine.id, work.placed.course_id + 1000)


def test_files_are_seen_by_their_student_and_the_courses_staff_only(db: Session) -> None:
    work = classwork(db)
    mine = work.open(db, 0)
    artifact = add_file(db, mine, photo(), NOW)
    course = work.placed.course_id
    for viewer in (Viewer(work.student(0), course, False), Viewer(None, course, True)):
        assert submissions.viewable_file(db, artifact.id, viewer) is artifact
    for viewer in (Viewer(work.student(1), course, False), Viewer(work.student(0), course + 1, True),
                   Viewer(None, course, False)):
        with pytest.raises(SubmissionNotFound):
            submissions.viewable_file(db, artifact.id, viewer)


def test_a_finished_upload_becomes_a_file_of_the_draft(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    artifact = add_file(db, submission, photo(7), NOW)
    (listed,) = file_artifacts(db, submission.versions[0])
    assert listed is artifact
    assert (listed.file_key, listed.thumbnail_key, listed.media_type, listed.filename,
            listed.size) == (photo(7).key, photo(7).thumbnail_key, "image/jpeg", "site-7.jpg", 1007)


def test_a_closed_task_takes_no_file(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    work.close(db)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="closed this task"):
        add_file(db, submission, photo(), NOW)
    assert stored_rows(db) == before


def test_a_task_that_asks_for_no_files_takes_none(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.REFLECTION,))
    submission = work.open(db)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="does not ask for files or photos"):
        add_file(db, submission, photo(), NOW)
    assert stored_rows(db) == before


def test_handed_in_work_takes_no_file(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.FILES,))
    submission = work.open(db)
    add_file(db, submission, photo(1), NOW)
    submit(db, submission, NOW, due_at=None)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="handed this work in"):
        add_file(db, submission, photo(2), NOW)
    assert stored_rows(db) == before


def test_the_file_limit_is_said_before_an_upload_starts(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    add_file(db, submission, photo(1), NOW, max_files=2)
    add_file(db, submission, photo(2), NOW, max_files=2)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="already holds 2 files"):
        submissions.check_room_for_file(db, submission, max_files=2)
    with pytest.raises(WorkRefused, match="already holds 2 files"):
        add_file(db, submission, photo(3), NOW, max_files=2)
    assert stored_rows(db) == before
