"""A course with two students, a stand-in for their work, and the headers a tus client sends."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from competencies.work.file_policy import DEFAULT, FilePolicy, Refusal
from competencies.work.stored_file import StoredFile
from lti_tool.app import create_app
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.lti.registrations import add_registration
from lti_tool.models import Course, User
from lti_tool.security import Role
from lti_tool.uploads.destination import set_destination
from tests.loopback import serve_wsgi
from tests.lti_tool.session_factories import session_token


@dataclasses.dataclass
class Work:
    """The submissions uploads may join, as the work domain would answer for them."""

    owners: dict[int, tuple[int, int]] = dataclasses.field(default_factory=dict)
    policies: dict[int, FilePolicy | Refusal] = dataclasses.field(default_factory=dict)
    attached: list[tuple[int, StoredFile]] = dataclasses.field(default_factory=list)

    def policy(self, session: Session, user_id: int, course_id: int, submission_id: int
               ) -> FilePolicy | Refusal | None:
        if self.owners.get(submission_id) != (user_id, course_id):
            return None
        return self.policies.get(submission_id, DEFAULT)

    def files_held(self, session: Session, submission_id: int) -> int:
        return sum(1 for s, _ in self.attached if s == submission_id)

    def attach(self, session: Session, submission_id: int, stored: StoredFile,
               now: dt.datetime) -> Refusal | None:
        self.attached.append((submission_id, stored))
        return None


@dataclasses.dataclass
class Classroom:
    course_id: int
    students: list[int]
    work: Work


def make_classroom(session: Session) -> tuple[int, list[int]]:
    registration = add_registration(
        session, name="Sim LMS", issuer="https://lms.sim.test", client_id="sim-client",
        auth_login_url="https://lms.sim.test/auth", auth_token_url="https://lms.sim.test/token",
        key_set={"keys": []}, deployment_ids=["d-1"], product="canvas")
    session.flush()
    course = Course(deployment_id=registration.deployments[0].id, context_id="course-1",
                    title="Health Science")
    users = [User(registration_id=registration.id, sub=f"student-{n}") for n in range(2)]
    session.add_all([course, *users])
    session.commit()
    return course.id, [u.id for u in users]


@pytest.fixture
def classroom(app: Flask, db: Session) -> Classroom:
    course_id, students = make_classroom(db)
    work = Work(owners={101: (students[0], course_id), 202: (students[1], course_id)})
    set_destination(app, work)
    return Classroom(course_id, students, work)


def tus_headers(app: Flask, classroom: Classroom, student: int = 0) -> dict[str, str]:
    token = session_token(app, Role.STUDENT, user_id=classroom.students[student],
                          course_id=classroom.course_id, registration_id=1)
    return {"Tus-Resumable": "1.0.0", "X-Worklink-Session": token}


@dataclasses.dataclass
class LiveUploads:
    origin: str
    app: Flask
    classroom: Classroom

    def headers(self, student: int = 0) -> dict[str, str]:
        return tus_headers(self.app, self.classroom, student)


@pytest.fixture
def live_uploads(config: Config, fresh_database_url: str, tmp_path: Path
                 ) -> Iterator[LiveUploads]:
    """Worklink on a real HTTP server (tus clients speak HTTP), on a database of its own."""
    live_config = dataclasses.replace(config, database_url=fresh_database_url,
                                      instance_dir=tmp_path / "instance")
    database = Database(fresh_database_url)
    app = create_app(live_config, database=database)
    with database.session() as session:
        course_id, students = make_classroom(session)
    work = Work(owners={101: (students[0], course_id), 202: (students[1], course_id)})
    set_destination(app, work)
    server = serve_wsgi(app)
    origin = next(server)
    yield LiveUploads(origin, app, Classroom(course_id, students, work))
    server.close()
    database.dispose()
