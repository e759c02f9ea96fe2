"""The teacher's submissions view: the class at a glance, one submission with its versions, and
returning work for revision; the student reads the comment and hands in a second version."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.tasks.vocabulary import AskedArtifact
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, stored, text

TODAY = dt.date.today().isoformat()


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION),
                       due_at=utcnow() + dt.timedelta(days=7))


def hand_in(placed: PlacedClass, sub: str, url: str = "https://example.org/first") -> None:
    placed.student(sub)
    placed.work("links", {"url": url})
    placed.work("reflection", {"reflection": "<div>First thoughts</div>"})
    assert placed.work("submit", {"learned": "Triage", "rating_learning": "4"}
                       ).status_code == 303


def test_the_teacher_returns_work_and_the_student_hands_in_a_second_version(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.student("student-2")  # opens the task, hands in nothing
    placed.launch("Instructor", "teacher-1")
    home = text(placed.view(f"/teacher/course/{placed.course_id}").get_data(as_text=True))
    assert re.search(r"Clinic internship .* 0 1", home)  # in draft, handed in
    listing = text(placed.view(f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
                               "/submissions").get_data(as_text=True))
    assert "Handed in, waiting 1" in listing and "Not handed in 1" in listing
    assert "Person student-1 Submitted" in listing and "Person student-2 Not started" in listing

    submission = placed.submission("student-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{submission.id}"
    page = text(placed.view(url).get_data(as_text=True))
    assert "Version 1" in page and "example.org/first" in page and "Triage" in page
    assert "4 / 5" in page
    placed.view(url)
    assert placed.post(url + "/return", {"comment": "Name the needs of the patients you saw."}
                       ).status_code == 303
    assert "Returned for revision. The student sees your comment." in text(placed.page)

    page = text(placed.student("student-1"))
    assert "Status Returned for revision" in page and "Name the needs of the patients you saw." in page
    placed.work("links", {"url": "https://example.org/second"})
    assert placed.work("submit", {}).status_code == 303
    page = text(placed.page)
    assert "Version 2" in page and "Version 1" in page
    second, first = page.split("Version 2", 1)[1].split("Version 1", 1)
    assert "example.org/second" in second and "example.org/first" in second
    assert "example.org/second" not in first and "Name the needs of the patients you saw." in first


def test_a_comment_is_required_to_return_work_and_nothing_changes(placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    submission = placed.submission("student-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{submission.id}"
    placed.view(url)
    before = stored(placed.db)
    response = placed.post(url + "/return", {"comment": "  "})
    assert response.status_code == 422 and "the comment is what they read" in text(placed.page)
    assert '<a href="#comment">' in placed.page
    assert stored(placed.db) == before
    placed.db.expire_all()
    assert placed.submission("student-1").state == "submitted"


def test_closing_the_task_stops_changes_and_late_is_shown(placed: PlacedClass) -> None:
    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
    placed.view(url + "/submissions")
    placed.post(url + "/settings", {"closed": "1", "prompts": "What surprised you?\n\nWho helped?"})
    assert "Closed: students can no longer change their work." in text(placed.page)
    page = text(placed.student("student-1"))
    assert "Your teacher has closed this task" in page and "What surprised you?" in page
    assert "Who helped?" in page and "Add link" not in page


def test_students_and_other_courses_cannot_open_the_teachers_views(placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    submission = placed.submission("student-1")
    placed.student("student-2")
    for path in (f"/placed/{placed.link_id}/submissions", f"/submissions/{submission.id}"):
        assert placed.view(f"/teacher/course/{placed.course_id}{path}").status_code == 403
    placed.flow.launch(role="Instructor", sub="teacher-9",
                       lti_context={"id": "course-8", "title": "Another course"})
    assert placed.view(f"/teacher/course/{placed.course_id}/submissions/{submission.id}"
                       ).status_code == 403


def test_the_teachers_placement_page_links_its_submissions(placed: PlacedClass) -> None:
    placed.launch("Instructor", "teacher-1")
    assert (f'href="/teacher/course/{placed.course_id}/placed/{placed.link_id}/submissions"'
            in placed.page)
