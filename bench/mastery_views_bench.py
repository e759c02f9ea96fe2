"""Mastery as it is used: recompute after one new rating, and the heatmap of a big class.

    .venv/bin/python -m bench.mastery_views_bench                    # SQLite file
    .venv/bin/python -m bench.mastery_views_bench --db postgresql    # a fresh worklink_bench_mastery DB

1. A class of ``--students`` (500) with ``--items`` (150) competencies, every student with a
   standing on every competency and ten earlier ratings on the competencies a task builds. One
   new final rating (3 criteria, each aligned to 2 competencies) is recorded and mastery
   recomputed, ``--repeat`` times: median and p95 (goal: at most 5 ms).
2. The teacher's heatmap page for that class, rendered in-process through Flask's test client
   (the server's own time, no network): median and p95 (goal: at most 250 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from bench.databases import fresh_database
from competencies.mastery.recording import FinalRatings, RatedCriterion, record_final_ratings
from competencies.models import Evidence, Framework, Item, MasteryStanding, RaterType
from competencies.tasks.model import Task, TaskAlignment
from lti_tool import migrate
from lti_tool.app import create_app
from lti_tool.config import Config, Mode
from lti_tool.db import Database, make_engine
from lti_tool.lti.registrations import add_registration
from lti_tool.models import Course, Enrollment, User
from lti_tool.security import SESSION_HEADER, Principal, Role
from tests.lti_tool.session_factories import issue_token

T0 = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)


def build(database: Database, students: int, items: int) -> tuple[int, list[int], list[Item], int]:
    with database.session() as session:
        registration = add_registration(
            session, name="Bench", issuer="https://bench.test", client_id="b",
            auth_login_url="https://bench.test/a", auth_token_url="https://bench.test/t",
            key_set={"keys": []}, deployment_ids=["d"])
        session.flush()
        course = Course(deployment_id=registration.deployments[0].id, context_id="c", title="Big class")
        session.add(course)
        frameworks = [Framework(identifier=f"fw{n}", title=f"Framework {n}") for n in range(3)]
        session.add_all(frameworks)
        session.flush()
        made = [Item(framework_id=frameworks[n % 3].id, identifier=f"it{n}",
                     human_coding_scheme=f"C.{n}", full_statement=f"Competency {n}")
                for n in range(items)]
        session.add_all(made)
        task = Task(title="Internship", stage="practicum", experience_type="internship",
                    pathway="Health", course_id=None)
        session.add(task)
        teacher = User(registration_id=registration.id, sub="teacher", name="Teacher")
        people = [User(registration_id=registration.id, sub=f"s{n}", given_name=f"Student{n:03d}",
                       family_name="Bench") for n in range(students)]
        session.add_all([teacher, *people])
        session.flush()
        task.course_id = course.id
        session.add_all(TaskAlignment(task_id=task.id, item_id=i.id, alignment_type="builds")
                        for i in made)
        session.add_all(Enrollment(course_id=course.id, user_id=p.id, lti_roles=[], role="student")
                        for p in people)
        session.add(Enrollment(course_id=course.id, user_id=teacher.id, lti_roles=[], role="teacher"))
        session.flush()
        session.execute(insert(MasteryStanding), [
            {"course_id": course.id, "learner_ref": str(p.id), "item_id": i.id,
             "value": float((p.id + i.id) % 5), "level": ["Not yet", "Beginning", "Developing",
                                                           "Proficient", "Advanced"][(p.id + i.id) % 5],
             "proficient": (p.id + i.id) % 5 >= 3, "evidence_count": 1, "computed_at": T0}
            for p in people for i in made])
        first = people[0]
        session.execute(insert(Evidence), [
            {"learner_ref": str(first.id), "item_id": made[k % 6].id, "score": float(k % 5),
             "scale_max": 4.0, "rater_type": RaterType.EMPLOYER, "rated_at": T0 + dt.timedelta(days=k),
             "course_id": course.id, "submission_ref": f"old:{k}", "weight": 1.0,
             "recorded_at": T0}
            for k in range(60)])
        session.commit()
        return course.id, [p.id for p in people], made, teacher.id


def recompute_times(database: Database, course_id: int, learner: int, items: list[Item],
                    repeat: int) -> tuple[list[float], list[float]]:
    snapshot = {"rubric": {"title": "R", "criteria": [
        {"name": f"K{n}", "items": [items[2 * n].identifier, items[2 * n + 1].identifier],
         "levels": []} for n in range(3)]}, "alignments": []}
    times, cpu = [], []
    with database.session() as session:
        for n in range(repeat):
            final = FinalRatings(course_id, str(learner), f"new:{n}", snapshot, [
                RatedCriterion(f"K{k}", float((n + k) % 5), 4, RaterType.TEACHER, "T",
                               T0 + dt.timedelta(days=100 + n)) for k in range(3)])
            started, started_cpu = time.perf_counter(), time.thread_time()
            record_final_ratings(session, final)
            session.commit()
            times.append(time.perf_counter() - started)
            cpu.append(time.thread_time() - started_cpu)
    return times, cpu


def heatmap_times(url: str, database: Database, course_id: int, teacher: int,
                  repeat: int, workdir: Path) -> tuple[list[float], list[float], int]:
    config = Config(mode=Mode.TEST, secret_key="bench", database_url=url,
                    base_url="https://worklink.bench", instance_dir=workdir)
    app = create_app(config, database=database)
    with app.test_request_context():
        token = issue_token(Principal(teacher, 1, course_id, Role.TEACHER, "bench"))
    client = app.test_client()
    times, cpu, size = [], [], 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.thread_time()
        response = client.get(f"/teacher/course/{course_id}/mastery", headers={SESSION_HEADER: token})
        times.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)
        assert response.status_code == 200, response.status_code
        size = len(response.data)
    return times, cpu, size


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/worklink_bench_mastery")
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--items", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="worklink-mastery-") as workdir:
        url = fresh_database(args.db, Path(workdir), args.pg_url, sqlite_name="mastery.db")
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        database = Database(url)
        course_id, people, items, teacher = build(database, args.students, args.items)
        recompute, cpu = recompute_times(database, course_id, people[0], items, args.repeat)
        print(f"== recompute after one final rating (3 criteria × 2 competencies, 60 earlier "
              f"ratings), {args.db}, {args.repeat} runs")
        print(f"   median {statistics.median(recompute) * 1000:.2f} ms, p95 {p95(recompute) * 1000:.2f} ms "
              "(goal <= 5 ms), including the commit")
        print(f"   CPU of this thread: median {statistics.median(cpu) * 1000:.2f} ms "
              "(what the machine's other load cannot inflate)")
        pages, pages_cpu, size = heatmap_times(url, database, course_id, teacher, max(10, args.repeat // 10),
                                    Path(workdir))
        print(f"== heatmap page, {args.students} students × {args.items} competencies "
              f"({size / 1e6:.1f} MB of HTML)")
        print(f"   median {statistics.median(pages) * 1000:.0f} ms, p95 {p95(pages) * 1000:.0f} ms "
              "(goal <= 250 ms server time)")
        print(f"   CPU of this thread: median {statistics.median(pages_cpu) * 1000:.0f} ms")
        database.dispose()


if __name__ == "__main__":
    main()
