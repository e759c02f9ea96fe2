"""The student's task page and the teacher's submissions view read a fixed number of statements,
whatever the size of the class (the pattern of the roster test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from bench.submissions_bench import SeededClass, seed_class
from lti_tool.security import SESSION_HEADER, Role
from tests.lti_tool.session_factories import session_token


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def _pages(app: Flask, seeded: SeededClass) -> dict[str, tuple[str, str, str]]:
    student = session_token(app, Role.STUDENT, user_id=seeded.student_ids[1],
                            registration_id=seeded.registration_id, course_id=seeded.course_id)
    teacher = session_token(app, Role.TEACHER, user_id=seeded.teacher_id,
                            registration_id=seeded.registration_id, course_id=seeded.course_id)
    return {
        "student": (f"/student/course/{seeded.course_id}/task/{seeded.link_id}", student,
                    "Version 2"),
        "teacher": (f"/teacher/course/{seeded.course_id}/placed/{seeded.link_id}/submissions",
                    teacher, "Student 001"),
    }


def _count(client: FlaskClient, statements: list[str], page: tuple[str, str, str]) -> int:
    path, token, expect = page
    client.get(path, headers={SESSION_HEADER: token})  # the first view may freeze or warm up
    statements.clear()
    response = client.get(path, headers={SESSION_HEADER: token})
    assert response.status_code == 200 and expect in response.get_data(as_text=True)
    return len(statements)


def test_statements_do_not_grow_with_the_class(app: Flask, client: FlaskClient, db: Session,
                                               statements: list[str]) -> None:
    small, big = seed_class(db, 30, tag="small"), seed_class(db, 300, tag="big")
    db.commit()
    for name in ("student", "teacher"):
        at_30 = _count(client, statements, _pages(app, small)[name])
        at_300 = _count(client, statements, _pages(app, big)[name])
        assert at_30 == at_300, (name, at_30, at_300)


def test_the_view_counts_every_stage_of_the_class(app: Flask, client: FlaskClient,
                                                  db: Session) -> None:
    seeded = seed_class(db, 30, tag="counts")
    db.commit()
    path, token, _ = _pages(app, seeded)["teacher"]
    page = " ".join(client.get(path, headers={SESSION_HEADER: token}).get_data(as_text=True)
                    .replace("<", " <").split())
    # Of every six: not started, two versions handed in, a draft, three handed in once (one of
    # them late). The due date has passed, so the not started and the draft are late too.
    assert "Students </span> 30" in page and "Handed in, waiting </span> 20" in page
    assert "Not handed in </span> 10" in page and "Late </span> 15" in page
