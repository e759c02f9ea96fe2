"""The teacher's grade sync page: each student's grade in words, a count, and "send again"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.grades import outbox
from lti_tool.grades.answers import classify_score_answer, transport_failure
from lti_tool.grades.payload import GradebookScore, Grading
from lti_tool.lti.registrations import add_registration
from lti_tool.models import (
    Course,
    DeliveryState,
    GradeOutbox,
    LineItemBinding,
    ResourceLink,
    User,
)
from lti_tool.security import SESSION_HEADER, Principal, Role
from tests.lti_tool.session_factories import issue_token

NOW = dt.datetime(2026, 11, 3, 14, 0, tzinfo=dt.UTC)


class Course3:
    def __init__(self, app: Flask, db: Session) -> None:
        self.app, self.db = app, db
        registration = add_registration(
            db, name="Canvas: Riverside", issuer="https://canvas.grades.test", client_id="77",
            auth_login_url="https://canvas.grades.test/auth",
            auth_token_url="https://canvas.grades.test/token", key_set={"keys": []},
            deployment_ids=["d-1"])
        db.flush()
        self.registration_id = registration.id
        self.course = Course(deployment_id=registration.deployments[0].id, context_id="c-3",
                             title="Health Science")
        other = Course(deployment_id=registration.deployments[0].id, context_id="c-4", title="Other")
        db.add_all([self.course, other])
        db.flush()
        self.link = ResourceLink(course_id=self.course.id, resource_link_id="rl", title="Clinic shadow")
        self.other_link = ResourceLink(course_id=other.id, resource_link_id="rl2", title="Elsewhere")
        self.teacher = User(registration_id=registration.id, sub="t", name="Lucia Rivera")
        self.students = [User(registration_id=registration.id, sub=f"s{n}", given_name=name,
                              family_name="Student") for n, name in enumerate(["Ana", "Ben", "Cy"])]
        db.add_all([self.link, self.other_link, self.teacher, *self.students])
        db.flush()

    def grade(self, n: int, points: float | None, link: ResourceLink | None = None) -> GradeOutbox:
        return outbox.enqueue(self.db, GradebookScore(
            resource_link_id=(link or self.link).id, user_id=self.students[n].id,
            source=f"submission:{n}", points=points, maximum=12,
            grading=Grading.FINAL if points is not None else Grading.AWAITING_MODERATION), now=NOW)

    def headers(self, course_id: int | None = None) -> dict[str, str]:
        with self.app.test_request_context():
            return {SESSION_HEADER: issue_token(Principal(
                self.teacher.id, self.registration_id, course_id or self.course.id, Role.TEACHER,
                "launch-g"))}


@pytest.fixture
def course3(app: Flask, db: Session) -> Course3:
    made = Course3(app, db)
    delivered, waiting, failed = made.grade(0, 10), made.grade(1, None), made.grade(2, 6)
    delivered.state, delivered.delivered_at = DeliveryState.DELIVERED, NOW
    waiting.attempts, waiting.problem = 2, "The LMS had a problem (503); Worklink will try again."
    failed.state, failed.problem_kind = DeliveryState.FAILED, "not_gradable"
    failed.problem = "The LMS cannot grade this person in this course."
    db.add(LineItemBinding(resource_link_id=made.link.id, url="https://lms/li/1", score_maximum=10))
    db.commit()
    return made


def test_each_student_s_grade_is_shown_in_words_with_a_count(client: FlaskClient,
                                                            course3: Course3) -> None:
    page = client.get(f"/teacher/course/{course3.course.id}/grades", headers=course3.headers())
    html = page.get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())  # what a reader sees, cell by cell
    assert page.status_code == 200
    assert "2 grades are not yet in the LMS gradebook." in text
    assert "Ana Student 10 / 12 In the gradebook Sent Nov 3, 2026, 2:00 PM UTC" in text
    assert "awaiting moderation Waiting to retry The LMS had a problem (503)" in text
    assert "Cy Student 6 / 12 Not sent The LMS cannot grade this person" in text
    assert html.count(">Send again</button>") == 1
    assert "the LMS column is worth 10 points, the rubric 12" in text


def test_send_again_puts_a_failed_grade_back_in_line(client: FlaskClient, db: Session,
                                                     course3: Course3) -> None:
    url = f"/teacher/course/{course3.course.id}/grades"
    headers = course3.headers()  # one session: the form token belongs to it
    page = client.get(url, headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    action = re.search(r'action="([^"]+/send-again[^"]*)"', page)
    assert token and action
    response = client.post(action.group(1).replace("&amp;", "&"), headers=headers,
                           data={"csrf_token": token.group(1)})
    assert response.status_code == 303
    row = db.query(GradeOutbox).filter_by(user_id=course3.students[2].id).one()
    db.refresh(row)
    assert (row.state, row.attempts) == (DeliveryState.PENDING, 0)


def test_a_grade_of_another_course_cannot_be_sent_again(client: FlaskClient, db: Session,
                                                        course3: Course3) -> None:
    """The row id of another course's grade, posted from this course's page."""
    foreign = course3.grade(0, 3, link=course3.other_link)
    foreign.state = DeliveryState.FAILED
    db.commit()
    headers = course3.headers()
    page = client.get(f"/teacher/course/{course3.course.id}/grades",
                      headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    response = client.post(f"/teacher/course/{course3.course.id}/grades/{foreign.id}/send-again",
                           headers=headers, data={"csrf_token": token.group(1)})
    assert response.status_code == 404
    db.refresh(foreign)
    assert foreign.state is DeliveryState.FAILED


def test_a_student_cannot_see_the_grade_sync_page(app: Flask, client: FlaskClient,
                                                  course3: Course3) -> None:
    with app.test_request_context():
        token = issue_token(Principal(course3.students[0].id, course3.registration_id,
                                      course3.course.id, Role.STUDENT, "launch-s"))
    page = client.get(f"/teacher/course/{course3.course.id}/grades", headers={SESSION_HEADER: token})
    assert page.status_code == 403


def test_the_operator_sees_every_platform_s_counts(app: Flask, client: FlaskClient,
                                                   course3: Course3) -> None:
    with app.test_request_context():
        token = issue_token(Principal(None, 0, None, Role.OPERATOR, "admin-link:x"))
    page = client.get("/admin/grades", headers={SESSION_HEADER: token})
    text = " ".join(page.get_data(as_text=True).split())
    assert page.status_code == 200
    assert "<td>Canvas: Riverside</td><td>1</td><td>1</td> <td>0</td><td>1</td><td>0</td>" in text


def test_a_spanish_teacher_reads_what_happened_in_spanish(client: FlaskClient, db: Session,
                                                          course3: Course3) -> None:
    waiting = db.query(GradeOutbox).filter_by(user_id=course3.students[1].id).one()
    failed = db.query(GradeOutbox).filter_by(user_id=course3.students[2].id).one()
    waiting.problem_message = transport_failure("timed out").words.to_json()
    failed.problem_message = classify_score_answer(422, "user not found", resent=False).words.to_json()
    course3.teacher.locale = "es"
    course3.link.title = None
    db.commit()

    page = client.get(f"/teacher/course/{course3.course.id}/grades", headers=course3.headers())
    text = " ".join(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)).split())

    assert "Esperando reintento Worklink no pudo comunicarse con el LMS (timed out)" in text
    assert "No enviada El LMS no puede calificar a esta persona en este curso" in text
    assert "Tarea sin título" in text and "Untitled" not in text
