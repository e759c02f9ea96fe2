"""A scored student reads their result on the task page: the total and, per criterion, the
level's name, its points and the comment meant for them; nothing before the score is final."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.tasks.vocabulary import AskedArtifact
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_score_submission import _levels
from tests.lti_tool.teacher.test_submissions_view import hand_in


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION),
                       due_at=utcnow() + dt.timedelta(days=7))


def test_the_student_reads_the_final_score_with_levels_points_and_comments(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    assert "Your result" not in text(placed.student("student-1"))  # handed in, not scored
    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{placed.submission('student-1').id}"
    placed.view(url)
    assert placed.post(url + "/score", {
        **_levels(Communication="Proficient", Professionalism="__not_observed__"),
        "comment:Communication": "Name the needs, not only the tasks."}
    ).status_code == 303

    page = text(placed.student("student-1"))
    assert "Status Scored" in page
    assert "Your result: 11 of 12 points" in page
    assert "Communication Proficient 2 of 3 points Name the needs, not only the tasks." \
        in page
    assert "Working with others Advanced 3 of 3 points" in page
    assert "Professionalism Not observed does not count" in page

    placed.launch("Instructor", "teacher-1")
    placed.view(url)
    placed.post(url + "/return", {"comment": "Add what you measured."})
    page = text(placed.student("student-1"))
    assert "Status Returned for revision" in page and "Your result" not in page
