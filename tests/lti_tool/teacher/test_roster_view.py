"""The teacher's roster page: the whole class from the platform, who has opened Worklink, no query per student."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from lti_tool.lti.registrations import add_registration
from lti_tool.models import Course, Deployment, Enrollment, User
from lti_tool.security import SESSION_HEADER, Role
from tests.lti_tool.lti.nrps_platform import LIS, NrpsPlatform, install_tool_key, people
from tests.lti_tool.session_factories import session_token

ISSUER = "https://canvas.roster.test"


@pytest.fixture
def lms() -> Iterator[NrpsPlatform]:
    server = NrpsPlatform(people(300), page_size=100)
    yield server
    server.close()


class Classroom:
    def __init__(self, app: Flask, db: Session, lms: NrpsPlatform, client: FlaskClient) -> None:
        self.app, self.db, self.lms, self.client = app, db, lms, client
        registration = add_registration(db, name="Canvas", issuer=ISSUER, client_id="10000000042",
                                        auth_login_url=ISSUER + "/auth", auth_token_url=lms.token_url,
                                        key_set={"keys": []}, deployment_ids=["d-1"])
        db.flush()
        deployment = db.scalar(select(Deployment).where(Deployment.registration_id == registration.id))
        assert deployment is not None
        self.registration_id = registration.id
        self.course = Course(deployment_id=deployment.id, context_id="course-7",
                             title="Health Science Pathway", memberships_url=lms.memberships_url)
        db.add(self.course)
        db.flush()
        self.teacher = self.enrol("teacher-0", [LIS + "Instructor"], "teacher")
        install_tool_key(db)
        db.commit()

    def enrol(self, sub: str, roles: list[str], role: str, course: Course | None = None) -> User:
        user = self.db.scalar(select(User).where(User.sub == sub)) or User(
            registration_id=self.registration_id, sub=sub)
        self.db.add(user)
        self.db.flush()
        self.db.add(Enrollment(course_id=(course or self.course).id, user_id=user.id,
                               lti_roles=roles, role=role))
        return user

    def token(self, user: User, role: Role = Role.TEACHER, course_id: int | None = None) -> str:
        return session_token(self.app, role, user_id=user.id, registration_id=self.registration_id,
                             course_id=course_id or self.course.id)

    def view(self, query: dict[str, str] | None = None, *, token: str | None = None) -> Any:
        return self.client.get(f"/teacher/course/{self.course.id}/roster", query_string=query or {},
                               headers={SESSION_HEADER: token or self.token(self.teacher)})


@pytest.fixture
def classroom(app: Flask, db: Session, lms: NrpsPlatform, client: FlaskClient) -> Classroom:
    return Classroom(app, db, lms, client)


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def test_the_whole_class_is_listed_with_who_has_opened_worklink(classroom: Classroom) -> None:
    for i in range(0, 120):
        classroom.enrol(f"student-{i}", [LIS + "Learner"], "student")
    classroom.db.commit()
    response = classroom.view()
    page = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 200, page
    assert "302 people listed by the course platform; 121 of them have opened Worklink" in page
    assert page.count("<tr>") == 303, page[:2000]  # header + every member, from four pages
    assert page.count(">Not yet<") == 181
    assert "Student 299" in page and "Teacher 1" in page
    assert page.count(">Inactive<") == 30


def test_statements_do_not_grow_with_the_roster(classroom: Classroom, statements: list[str]) -> None:
    classroom.view()  # the first view in a process also parses the tool key and fetches a token
    classroom.lms.members = people(30)
    statements.clear()
    classroom.view({"refresh": "1"})
    small = len(statements)
    statements.clear()
    classroom.lms.members = people(300)
    for i in range(0, 300, 2):
        classroom.enrol(f"student-{i}", [LIS + "Learner"], "student")
    classroom.db.commit()
    statements.clear()
    page = classroom.view({"refresh": "1"}).get_data(as_text=True)
    assert "302 people" in page and "151 of them" in page
    assert len(statements) == small, statements
    statements.clear()
    classroom.view()  # from the cache: no call to the platform, and fewer statements still
    assert len(statements) <= small


def test_the_roster_is_cached_so_views_do_not_call_the_platform(classroom: Classroom) -> None:
    classroom.view()
    classroom.view({"role": "learners"})
    assert classroom.lms.pages_served == 4 and classroom.lms.token_requests == 1  # 302 members, 100 a page
    classroom.view({"refresh": "1"})
    assert classroom.lms.pages_served == 8


@pytest.mark.parametrize("shown, count, absent", [("learners", 300, "Teacher 0"),
                                                  ("instructors", 2, "Student 000")])
def test_role_filter(classroom: Classroom, shown: str, count: int, absent: str) -> None:
    page = classroom.view({"role": shown}).get_data(as_text=True)
    assert f"{count} people" in page and absent not in page
    assert f'<option value="{shown}" selected>' in page


def test_both_role_spellings_show_as_short_names_and_worklink_roles(classroom: Classroom) -> None:
    page = classroom.view().get_data(as_text=True)
    assert "purl.imsglobal.org" not in page
    assert page.count('data-label="Course roles">Learner</td>') == 300
    assert page.count('data-label="Worklink role">Student</td>') == 300


def test_a_course_without_the_names_and_roles_service_says_so(classroom: Classroom) -> None:
    classroom.course.memberships_url = None
    classroom.db.commit()
    response = classroom.view()
    assert response.status_code == 200
    assert "did not offer its member list" in response.get_data(as_text=True)
    assert classroom.lms.requests == []


def test_a_failing_platform_is_reported_and_nothing_is_cached(classroom: Classroom) -> None:
    classroom.lms.fail_status = 500
    page = classroom.view().get_data(as_text=True)
    assert 'role="alert"' in page and "answered 500" in page and "Try again" in page
    classroom.lms.fail_status = None
    assert "302 people" in classroom.view().get_data(as_text=True)


def test_students_cannot_see_the_roster(classroom: Classroom) -> None:
    student = classroom.enrol("student-1", ["Learner"], "student")
    classroom.db.commit()
    assert classroom.view(token=classroom.token(student, Role.STUDENT)).status_code == 403


def test_a_teacher_of_another_course_cannot_see_it(classroom: Classroom) -> None:
    token = classroom.token(classroom.teacher, course_id=classroom.course.id + 1000)
    assert classroom.view(token=token).status_code == 403


def test_without_a_session_the_page_asks_to_open_from_the_course(classroom: Classroom) -> None:
    response = classroom.client.get(f"/teacher/course/{classroom.course.id}/roster")
    assert response.status_code == 401
