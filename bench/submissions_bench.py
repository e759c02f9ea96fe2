"""Time the student's task page and the teacher's submissions view for a class of 300 students
(target: p95 ≤ 50 ms server time each), and count their SQL statements for 30 and 300.

Run from the repository root::

    .venv/bin/python -m bench.submissions_bench                  # SQLite, then PostgreSQL
    .venv/bin/python -m bench.submissions_bench --db postgresql --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/worklink_bench_work

The PostgreSQL database (``--pg-url``, named ``worklink_bench*``) is created afresh and dropped
afterwards. It exits 1 when a p95 misses the goal or a page's statements grow with the class.

Pages are requested in-process through Flask's test client (no HTTP in front of Worklink), so
the figures are the server's own time (wall, ms); "CPU p95" is this process's CPU time per
request, which a busy machine does not inflate (it leaves out PostgreSQL's own work).

The class (:func:`seed_class`): one placed task asking
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
from sqlalchemy import event
from sqlalchemy.orm import Session

from bench.databases import fresh_database, recreate_postgres
from competencies.tasks import library
from competencies.tasks.draft import TaskDraft
from competencies.tasks.library import CourseContext
from competencies.tasks.versions import freeze
from competencies.tasks.vocabulary import AskedArtifact, ContinuumStage, ExperienceType
from competencies.work.model import Artifact, Submission, SubmissionVersion
from lti_tool import migrate
from lti_tool.app import create_app
from lti_tool.config import Config, Mode
from lti_tool.db import db_work, make_engine
from lti_tool.models import Course, Deployment, Enrollment, Registration, ResourceLink, User
from lti_tool.security import SESSION_HEADER, Principal, Role, bind_session

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/worklink_bench_submissions"
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
        asked_artifacts=(AskedArtifact.LINKS, AskedArtifact.REFLECTION, AskedArtifact.HOURS_LOG),
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


def measure(client: Any, path: str, token_: str, runs: int, expect: bytes,
            cpu: list[float] | None = None) -> list[float]:
    """Wall times in ms, sorted; ``cpu`` gathers this process's CPU time per request (what the
    page costs Worklink itself, whatever else the machine runs; PostgreSQL's work is not in it)."""
    wall = []
    for _ in range(runs):
        c0, w0 = time.process_time(), time.perf_counter()
        response = client.get(path, headers={SESSION_HEADER: token_})
        wall.append((time.perf_counter() - w0) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - c0) * 1000)
        assert response.status_code == 200 and expect in response.data, response.data[:500]
    return sorted(wall)


def p95(values: list[float]) -> float:
    return values[int(len(values) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL,
                        help="the PostgreSQL database (named worklink_bench*: it is dropped and "
                             "recreated)")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    failed = False
    for dialect in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        with tempfile.TemporaryDirectory(prefix="worklink-submissions-bench-") as workdir:
            url = fresh_database(dialect, Path(workdir), args.pg_url,
                                 sqlite_name="submissions-bench.db")
            try:
                failed = not run(dialect, url, Path(workdir), args.runs) or failed
            finally:
                if dialect == "postgresql":
                    recreate_postgres(url, create=False)
    raise SystemExit(1 if failed else 0)


def run(dialect: str, url: str, workdir: Path, runs: int) -> bool:
    """Seed, warm, count and time both pages on one database; print the table. True if every
    p95 meets the goal and each page's statements do not grow from 30 to 300 students."""
    results: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    counts: dict[tuple[str, int], int] = {}
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as db:
        big = seed_class(db, STUDENTS, tag="big")
        small = seed_class(db, 30, tag="small")
        db.commit()
    engine.dispose()
    app = create_app(Config(mode=Mode.TEST, secret_key="bench", database_url=url,
                            base_url="https://worklink.test", instance_dir=workdir))
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
                cpu[label] = []
                results[label] = measure(client, path, token_, runs, expect, cpu[label])
    app.extensions["worklink.db"].engine.dispose()
    print(f"Students' work pages, a class of {STUDENTS} ({dialect}); goal p95 ≤ {GOAL_MS:g} ms "
          "server time, the same statements for 30 and 300")
    print(f"{'page':30s} {'median':>8s} {'p95':>8s} {'CPU p95':>8s} {'SQL (30)':>9s} "
          f"{'SQL (300)':>10s}")
    ok = True
    for label, wall in results.items():
        print(f"{label:30s} {statistics.median(wall):8.1f} {p95(wall):8.1f} "
              f"{p95(sorted(cpu[label])):8.1f} {counts[(label, 30)]:9d} "
              f"{counts[(label, STUDENTS)]:10d}")
        ok = ok and p95(wall) <= GOAL_MS and counts[(label, 30)] == counts[(label, STUDENTS)]
    return ok


if __name__ == "__main__":
    main()
