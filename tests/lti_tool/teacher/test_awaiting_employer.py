"""Work on an employer-scored task awaits the employer once the student has any placement for
it: the one they started with, one made after they handed in, or a second one. The class's
page, the submission's page and the student's own page say so alike."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AskedArtifact
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_scored_count import _place
from tests.lti_tool.teacher.test_submissions_view import hand_in


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION))
    task = db.get(Task, placed.task_id)
    assert task is not None
    task.employer_scored = True
    db.commit()
    return placed


def test_a_placement_made_after_the_student_handed_in_makes_the_work_await_the_employer(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    _place(placed, "student-1", "Bronx Community Clinic")  # placed only after handing in
    placed.student("student-2")
    _place(placed, "student-2", "Harlem Hospital")
    hand_in(placed, "student-2")
    _place(placed, "student-2", "Mount Sinai Clinic")  # placed again elsewhere
    hand_in(placed, "student-3")  # never placed: the teacher scores it
    assert placed.submission("student-1").placement_id is None

    placed.launch("Instructor", "teacher-1")
    listing = text(placed.view(f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
                               "/submissions").get_data(as_text=True))
    rows = {sub: re.search(rf"Person {sub} (Awaiting employer|Submitted)", listing)
            for sub in ("student-1", "student-2", "student-3")}
    assert {sub: found.group(1) if found else None for sub, found in rows.items()} == {
        "student-1": "Awaiting employer", "student-2": "Awaiting employer",
        "student-3": "Submitted"}
    assert "Awaiting employer 2" in listing and "Submitted 1" in listing
    for sub, status in (("student-1", "Awaiting employer"), ("student-3", "Submitted")):
        found = placed.submission(sub)
        page = text(placed.view(f"/teacher/course/{placed.course_id}/submissions/{found.id}")
                    .get_data(as_text=True))
        assert f"Status {status}" in page, sub

    own = text(placed.student("student-1"))
    assert "Status Awaiting employer" in own
