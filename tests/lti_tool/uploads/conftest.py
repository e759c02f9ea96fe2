"""Two students' submissions for a placed task, and the headers a tus client sends."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.work.model import Artifact
from lti_tool.app import create_app
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.security import Role
from tests.competencies.work.factories import classwork
from tests.loopback import serve_wsgi
from tests.lti_tool.session_factories import session_token


@dataclasses.dataclass
class Classroom:
    course_id: int
    registration_id: int
    students: list[int]
    submissions: list[int]
    """Each student's submission of the placed task (a draft asking for files)."""
    resource_link_id: int


def make_classroom(session: Session) -> Classroom:
    work = classwork(session, students=2)
    mine, theirs = work.open(session, 0), work.open(session, 1)
    session.commit()
    return Classroom(work.placed.course_id, work.school.context.registration_id,
                     [work.student(0), work.student(1)], [mine.id, theirs.id],
                     work.placed.resource_link_id)


def kept_files(session: Session, submission_id: int) -> list[Artifact]:
    session.expire_all()
    return list(session.scalars(select(Artifact).where(
        Artifact.submission_id == submission_id, Artifact.kind == "file").order_by(Artifact.id)))


@pytest.fixture
def classroom(db: Session) -> Classroom:
    return make_classroom(db)


def tus_headers(app: Flask, classroom: Classroom, student: int = 0) -> dict[str, str]:
    token = session_token(app, Role.STUDENT, user_id=classroom.students[student],
                          course_id=classroom.course_id,
                          registration_id=classroom.registration_id)
    return {"Tus-Resumable": "1.0.0", "X-Worklink-Session": token}


@dataclasses.dataclass
class LiveUploads:
    origin: str
    app: Flask
    database: Database
    classroom: Classroom

    def headers(self, student: int = 0) -> dict[str, str]:
        return tus_headers(self.app, self.classroom, student)

    def kept(self, student: int = 0) -> list[Artifact]:
        with self.database.session() as session:
            return kept_files(session, self.classroom.submissions[student])


@pytest.fixture
def live_uploads(config: Config, fresh_database_url: str, tmp_path: Path
                 ) -> Iterator[LiveUploads]:
    """Worklink on a real HTTP server (tus clients speak HTTP), on a database of its own."""
    live_config = dataclasses.replace(config, database_url=fresh_database_url,
                                      instance_dir=tmp_path / "instance")
    database = Database(fresh_database_url)
    app = create_app(live_config, database=database)
    with database.session() as session:
        classroom = make_classroom(session)
    server = serve_wsgi(app)
    origin = next(server)
    yield LiveUploads(origin, app, database, classroom)
    server.close()
    database.dispose()
