"""The teacher's counts cover the whole class, not only the students who have opened Worklink.

Found by the QA walk: "N students" on the course home, and each task's "not started" and "not
handed in", counted only students who had launched Worklink, though Worklink keeps the class
list the platform's Names and Roles service gives. Now a student on that list who never opened
Worklink counts as not started and is named on the submissions page, with when the list was
fetched; where the platform gives no list, the pages say whom they count.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.lti.claims import NRPS
from lti_tool.lti.roster import Member, keep_roster
from lti_tool.lti.services import lti_services
from lti_tool.models import Course
from lti_tool.security import SESSION_HEADER
from tests.lti_tool.lti.conftest import LIS, Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_roster_view import (  # noqa: F401  (fixtures)
    Classroom,
    classroom,
    lms,
)
from tests.lti_tool.teacher.test_submissions_view import hand_in

MEMBERSHIPS = "https://lms.test/api/lti/courses/7/names_and_roles"
NEVER_OPENED = "Aroha Ngata"


def member(sub: str, name: str, role: str = "Learner", status: str = "Active") -> Member:
    found = Member.from_nrps({"user_id": sub, "name": name, "email": f"{sub}@school.test",
                              "roles": [LIS + role], "status": status})
    assert found is not None
    return found


CLASS_LIST = [
    member("teacher-1", "Person teacher-1", "Instructor"),
    member("teacher-9", "Tomás Ortega", "Instructor"),  # teaches too, never opened Worklink
    member("student-1", "Person student-1"),
    member("student-2", "Person student-2"),
    member("student-3", NEVER_OPENED),
    member("student-4", "Ines Brandt", status="Inactive"),  # left the course
]


def keep_class_list(app: Flask, course_id: int, members: list[Member] = CLASS_LIST) -> None:
    with app.app_context():
        keep_roster(lti_services(app).store, course_id, members)


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    """student-1 handed in, student-2 opened the task; the due date has passed."""
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION))
    hand_in(placed, "student-1")
    placed.student("student-2")
    placed.launch("Instructor", "teacher-1")
    return placed


def offers_class_list(db: Session, course_id: int) -> None:
    course = db.get(Course, course_id)
    assert course is not None
    course.memberships_url = MEMBERSHIPS  # as a launch with the Names and Roles claim leaves it
    db.commit()


def submissions(placed: PlacedClass) -> str:
    return text(placed.view(f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
                            "/submissions").get_data(as_text=True))


def test_the_submissions_list_names_students_on_the_class_list_who_never_opened_worklink(
        app: Flask, db: Session, placed: PlacedClass) -> None:
    offers_class_list(db, placed.course_id)
    keep_class_list(app, placed.course_id)
    page = submissions(placed)
    assert "Students 3" in page and "Handed in, waiting 1" in page and "Not handed in 2" in page
    assert f"{NEVER_OPENED} (has not opened Worklink) Not started" in page
    assert "Person student-2 Not started" in page and "Person student-1 Submitted" in page
    assert "Fetched from the course platform on" in page
    # A student who left the course, and the teaching staff, are not counted as students.
    assert "Ines Brandt" not in page and "Tomás Ortega" not in page
    assert "student-3@school.test" not in page  # a name is enough here


def test_a_student_who_never_opened_worklink_is_late_once_the_due_date_has_passed(
        app: Flask, db: Session, placed: PlacedClass) -> None:
    from competencies.tasks.model import Task

    task = db.get(Task, placed.task_id)
    assert task is not None
    task.due_at = utcnow() - dt.timedelta(days=1)
    offers_class_list(db, placed.course_id)
    keep_class_list(app, placed.course_id)
    page = submissions(placed)
    assert f"{NEVER_OPENED} (has not opened Worklink) Not started Late" in page
    assert "Late 2" in page  # student-2's draft and the student who never opened it


def test_the_course_home_counts_the_whole_class(app: Flask, db: Session,
                                               placed: PlacedClass) -> None:
    offers_class_list(db, placed.course_id)
    keep_class_list(app, placed.course_id)
    for page in (text(placed.view(f"/teacher/course/{placed.course_id}").get_data(as_text=True)),
                 # The launch draws the same home from the class list kept, asking nothing.
                 text(placed.flow.launch(role="Instructor", sub="teacher-1")
                      .get_data(as_text=True))):
        assert "3 students in the class; 2 of them have opened Worklink." in page
        assert "Fetched from the course platform on" in page
        # Not started, opened, in draft, handed in, grade sent.
        assert "Clinic internship" in page and " 1 2 0 1 0" in page, page


def test_a_spanish_speaking_teacher_reads_the_counts_in_spanish(
        app: Flask, db: Session, placed: PlacedClass) -> None:
    offers_class_list(db, placed.course_id)
    keep_class_list(app, placed.course_id)
    page = text(placed.flow.launch(role="Instructor", sub="teacher-1", locale="es")
                .get_data(as_text=True))
    assert "3 estudiantes en la clase; 2 de ellos ya abrieron Worklink." in page
    assert "se cuentan según la lista de la clase de la plataforma de tu curso" in page


def test_without_a_class_list_the_pages_say_they_count_students_who_opened_worklink(
        placed: PlacedClass) -> None:
    home = text(placed.view(f"/teacher/course/{placed.course_id}").get_data(as_text=True))
    assert "2 students have opened Worklink" in home
    assert "Only students who have opened Worklink are counted: your course platform does not " \
           "share its class list with Worklink." in home
    assert " 0 2 0 1 0" in home  # as before: nobody known has not started
    page = submissions(placed)
    assert "Students 2" in page and "Not handed in 1" in page
    assert "Only students who have opened Worklink are counted" in page


def test_a_class_list_not_fetched_yet_is_said_so(app: Flask, db: Session,
                                                placed: PlacedClass) -> None:
    """The launch names the service; the landing page draws what is kept and asks nothing."""
    launch_claim: dict[str, Any] = {NRPS: {"context_memberships_url": MEMBERSHIPS,
                                           "service_versions": ["2.0"]}}
    page = text(placed.flow.launch(role="Instructor", sub="teacher-1", **launch_claim)
                .get_data(as_text=True))
    assert "2 students have opened Worklink" in page
    assert "Only students who have opened Worklink are counted: Worklink does not have the " \
           "class list from your course platform yet." in page


def test_another_courses_class_list_is_never_shown(app: Flask, db: Session,
                                                  placed: PlacedClass) -> None:
    offers_class_list(db, placed.course_id)
    keep_class_list(app, placed.course_id)
    keep_class_list(app, placed.course_id + 1, [member("student-77", "Kaia Fern")])
    assert "Kaia Fern" not in submissions(placed)
    assert "Kaia Fern" not in placed.view(f"/teacher/course/{placed.course_id}").get_data(as_text=True)


def test_the_course_home_fetches_the_class_list_in_the_background(
        classroom: Classroom, client: FlaskClient) -> None:
    """Nothing kept yet: the page queues the fetch (the test's jobs run at once) and counts it."""
    def home() -> str:
        return text(client.get(f"/teacher/course/{classroom.course.id}", headers={
            SESSION_HEADER: classroom.token(classroom.teacher)}).get_data(as_text=True))

    # 300 students on the list, 30 of them inactive; none has opened Worklink.
    assert "270 students in the class; 0 of them have opened Worklink." in home()
    assert classroom.lms.pages_served == 4
    assert "270 students in the class" in home()
    assert classroom.lms.pages_served == 4  # kept: the next view asks the platform nothing
