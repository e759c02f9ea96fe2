"""A scored student reads their result on the task page: the total and, per criterion, the
level's name, its points and the comment meant for them; nothing before the score is final."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date
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


def test_my_competencies_names_the_rubric_level_and_task_and_explains_the_scale(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{placed.submission('student-1').id}"
    placed.view(url)
    assert placed.post(url + "/score", _levels(Communication="Proficient")).status_code == 303

    placed.student("student-1")
    placed.view(f"/student/course/{placed.course_id}/competencies")
    page = text(placed.page.replace("&#34;", '"'))
    today = format_date(dt.datetime.now(dt.UTC).date(), "medium", locale="en")
    # What was rated, in the rubric's words; not the rubric's points as "2 of 3".
    assert (f"{today}: “Proficient” for “Communication” in Clinic internship, rated by "
            "Person teacher-1 (teacher)") in page
    assert f"{today}: “Advanced” for “Problem solving”" in page
    assert " of 3," not in page and dt.date.today().isoformat() not in page
    # The standing keeps the mastery scale, and says why its name may differ.
    assert "is your standing on the course's mastery scale" in page
    assert "a rubric's top level counts as the top of this scale" in page


def test_the_dates_follow_the_pages_language(placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{placed.submission('student-1').id}"
    placed.view(url)
    assert placed.post(url + "/score", _levels()).status_code == 303
    placed.student("student-1")
    response = placed.flow.client.get(f"/student/course/{placed.course_id}/competencies",
                                      headers={"Accept-Language": "es"})
    page = text(response.get_data(as_text=True))
    today = format_date(dt.datetime.now(dt.UTC).date(), "medium", locale="es")
    assert f"{today}: “Advanced” para “Communication” en Clinic internship" in page
