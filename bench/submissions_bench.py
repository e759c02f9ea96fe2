"""Time the student's task page and the teacher's submissions view for a class of 300 students
(target: p95 ≤ 50 ms server time each), and count their SQL statements for 30 and 300.

Run from the repository root::

    .venv/bin/python -m bench.submissions_bench
    .venv/bin/python -m bench.submissions_bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/worklink_bench_work

Pages are requested in-process through Flask's test client (no HTTP in front of Worklink), so
the figures are the server's own time. The class (:func:`seed_class`): one placed task asking
for links, a reflection and an hours log; of every six students one has not started, one has a
draft, one was returned for revision and handed in again (two versions), the others handed in
once; each submission holds two links, a reflection and three hours entries.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask import Response, g
from sqlalchemy import event, make_url
from sqlalchemy.orm import Session

from bench.databases import recreate_postgres
from competencies.tasks import library
from competencies.tasks.draft import TaskDraft
from competencies.tasks.library import CourseContext
from competencies.tasks.versions import freeze
from competencies.tasks.vocabulary import ContinuumStage, EvidenceKind, ExperienceType
from competencies.work.model import Artifact, Submission, SubmissionVersion
from lti_tool import migrate
from lti_tool.app import create_app
from lti_tool.config import Config, Mode
from lti_tool.db import db_work, make_engine
from lti_tool.models import Course, Deployment, Enrollment, Registration, ResourceLink, User
from lti_tool.security import SESSION_HEADER, Principal, Role, bind_session

GOAL_MS = 50.0
STUDENTS = 300
NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class SeededClass:
    registration_id: int
    course_id: int
    link_id: int
    teacher_id: int
    student_ids: list[int]


def seed_class(db: Session, students: int, *, tag: str = "bench") -> SeededClass:
    """A course with one placed task and ``students`` students at every stage of handing in."""
    registration = Registration(name=f"Canvas {tag}", issuer=f"https://{tag}.canvas.test",
                                client_id=f"client-{tag}", auth_login_url="https://lms.test/auth",
                                auth_token_url="https://lms.test/token")
    db.add(registration)
    db.flush()
    deployment = Deployment(registration_id=registration.id, deployment_id=f"dep-{tag}")
    db.add(deployment)
    db.flush()
    course = Course(deployment_id=deployment.id, context_id=f"course-{tag}", title="Health Science")
    db.add(course)
    db.flush()
    context = CourseContext(course.id, deployment.id, registration.id)
    task = library.create_task(db, context, TaskDraft(
        title="Clinic internship", stage=ContinuumStage.TRAINING,
        experience_type=ExperienceType.INTERNSHIP, expected_hours=60.0,
        evidence=(EvidenceKind.LINKS, EvidenceKind.REFLECTION, EvidenceKind.HOURS_LOG),
        due_at=NOW))
    version = freeze(db, task)
    link = ResourceLink(course_id=course.id, resource_link_id=f"link-{tag}", title=task.title,
                        task_id=task.id)
    teacher = User(registration_id=registration.id, sub=f"teacher-{tag}", name="Ms. Diaz")
    people = [User(registration_id=registration.id, sub=f"student-{tag}-{i}",
                   name=f"Student {i:03d}") for i in range(students)]
    db.add_all([link, teacher, *people])
    db.flush()
    db.add(Enrollment(course_id=course.id, user_id=teacher.id, role="teacher", lti_roles=[]))
    db.add_all([Enrollment(course_id=course.id, user_id=p.id, role="student", lti_roles=[])
                for p in people])
    for i, person in enumerate(people):
        stage = i % 6
        if stage == 0:
            continue  # not started
        versions = 2 if stage == 1 else 1
        state = {2: "draft", 1: "submitted"}.get(stage, "submitted")
        submission = Submission(resource_link_id=link.id, course_id=course.id,
                                student_id=person.id, task_id=task.id, task_version_id=version.id,
                                state=state, current_number=versions, created_at=NOW,
                                updated_at=NOW)
        for n in range(1, versions + 1):
            handed = state == "submitted" or n < versions
            submission.versions.append(SubmissionVersion(
                number=n, created_at=NOW, submitted_at=NOW if handed else None,
                late=stage == 3,
                returned_at=NOW if n < versions else None,
                returned_by="Ms. Diaz" if n < versions else "",
                return_comment="Say more about the patients." if n < versions else ""))
        db.add(submission)
        db.flush()
        db.add_all([Artifact(submission_id=submission.id, kind="link", first_version=1,
                             url=f"https://portfolio.example.org/{i}/{k}", created_at=NOW)
                    for k in range(2)])
        db.add(Artifact(submission_id=submission.id, kind="reflection", first_version=1,
                        body_html="<div>I learned to take vitals.</div>", created_at=NOW))
        db.add_all([Artifact(submission_id=submission.id, kind="hours", first_version=1,
                             work_date=dt.date(2026, 10, 1 + k), hours=4.0, activity="Triage",
                             site="Bronx Clinic", confirmation="unconfirmed", created_at=NOW)
                    for k in range(3)])
    db.flush()
    return SeededClass(registration.id, course.id, link.id, teacher.id, [p.id for p in people])


def token(app: Any, seeded: SeededClass, user_id: int, role: Role) -> str:
    with app.test_request_context():
        bind_session(Response(), Principal(user_id, seeded.registration_id, seeded.course_id,
                                           role, "bench"))
        db_work().commit()
        return str(g.session_token)


def measure(client: Any, path: str, token_: str, runs: int, expect: bytes) -> list[float]:
    wall = []
    for _ in range(runs):
        w0 = time.perf_counter()
        response = client.get(path, headers={SESSION_HEADER: token_})
        wall.append((time.perf_counter() - w0) * 1000)
        assert response.status_code == 200 and expect in response.data, response.data[:500]
    return sorted(wall)


def p95(values: list[float]) -> float:
    return values[int(len(values) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="a PostgreSQL URL (the database is dropped and recreated)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, list[float]] = {}
    counts: dict[tuple[str, int], int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        if args.database_url:
            recreate_postgres(url, create=True)
        engine = make_engine(url)
        migrate.upgrade(engine)
        with Session(engine) as db:
            big = seed_class(db, STUDENTS, tag="big")
            small = seed_class(db, 30, tag="small")
            db.commit()
        engine.dispose()
        app = create_app(Config(mode=Mode.TEST, secret_key="bench", database_url=url,
                                base_url="https://worklink.test", instance_dir=Path(tmp)))
        client = app.test_client()
        statements: list[str] = []
        event.listen(app.extensions["worklink.db"].engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
        for seeded in (big, small):
            pages = {
                "student's task page": (f"/student/course/{seeded.course_id}/task/{seeded.link_id}",
                                        token(app, seeded, seeded.student_ids[1], Role.STUDENT),
                                        b"Version 2"),
                "teacher's submissions view": (
                    f"/teacher/course/{seeded.course_id}/placed/{seeded.link_id}/submissions",
                    token(app, seeded, seeded.teacher_id, Role.TEACHER), b"Student 001"),
            }
            for label, (path, token_, expect) in pages.items():
                measure(client, path, token_, 5, expect)  # warm: templates compiled
                statements.clear()
                measure(client, path, token_, 1, expect)
                counts[(label, len(seeded.student_ids))] = len(statements)
                if seeded is big:
                    results[label] = measure(client, path, token_, args.runs, expect)
        app.extensions["worklink.db"].engine.dispose()
        if args.database_url:
            recreate_postgres(url, create=False)
    dialect = make_url(url).get_backend_name()
    print(f"Students' work pages, a class of {STUDENTS} ({dialect}); goal p95 ≤ {GOAL_MS:g} ms "
          "server time")
    print(f"{'page':30s} {'median':>8s} {'p95':>8s} {'SQL (30)':>9s} {'SQL (300)':>10s}")
    for label, wall in results.items():
        print(f"{label:30s} {statistics.median(wall):8.1f} {p95(wall):8.1f} "
              f"{counts[(label, 30)]:9d} {counts[(label, STUDENTS)]:10d}")


if __name__ == "__main__":
    main()
