"""Worklink's grade delivery against the live sandbox LMS's grade service (no browser): the
column is made once, the grade, comment and Canvas submission land in the sandbox gradebook,
and a resend after a crash is recognised by the sandbox's 409, not stored twice."""

from __future__ import annotations

import datetime as dt

import requests
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.db import Database
from lti_tool.grades import outbox
from lti_tool.grades.delivery import Deliverer, build_deliverer
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.models import (
    Course,
    DeliveryState,
    Deployment,
    GradeOutbox,
    Registration,
    ResourceLink,
    User,
)


def _sandbox_course(session: Session, url: str, *subs: str) -> tuple[ResourceLink, list[User]]:
    """Worklink's records of the sandbox's course, its placed task and students (as launches
    would leave them), flushed."""
    registration = session.scalars(select(Registration).where(
        Registration.issuer == f"{url}/sandbox")).one()
    deployment = session.scalars(select(Deployment).where(
        Deployment.registration_id == registration.id)).first()
    assert deployment is not None
    course = Course(deployment_id=deployment.id, context_id="sandbox-course-1",
                    lineitems_url=f"{url}/sandbox/courses/1/lineitems")
    session.add(course)
    session.flush()
    link = ResourceLink(course_id=course.id, resource_link_id="sandbox-link-1",
                        title="Hospital job shadow")
    students = [User(registration_id=registration.id, sub=sub) for sub in subs]
    session.add_all([link, *students])
    session.flush()
    return link, students


def test_a_final_score_lands_in_the_sandbox_gradebook_once(live_server) -> None:
    database = Database(live_server.config.database_url)
    try:
        with database.session() as session:
            link, [student] = _sandbox_course(session, live_server.url, "sandbox-student-amani")
            outbox.enqueue(session, GradebookScore(
                resource_link_id=link.id, user_id=student.id, source="submission:1/v1",
                points=9, maximum=12, grading=Grading.FINAL,
                rater="Ana Ruiz (employer), moderated by Lucia Rivera",
                submitted_at=dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC),
                work_url="https://worklink.test/work/1",
                criteria=[CriterionLine("Safety", "Proficient", 3, 4, "Wore gloves")]))
            session.commit()
        deliverer = build_deliverer(database, live_server.config, worker="live")
        assert deliverer.deliver_due_scores()["delivered"] == 1
        with database.session() as session:  # the worker died before writing that down
            session.execute(update(GradeOutbox).values(
                state=DeliveryState.IN_FLIGHT, worker="dead",
                lease_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
            session.commit()
        assert build_deliverer(database, live_server.config, worker="again").deliver_due_scores()[
            "delivered"] == 1
        with database.session() as session:
            row = session.scalars(select(GradeOutbox)).one()
            assert (row.state, row.platform_status, row.attempts) == (DeliveryState.DELIVERED, 409, 2)
        teacher = requests.Session()
        teacher.post(f"{live_server.url}/sandbox/sign-in", data={"person": 1}, timeout=10)
        page = teacher.get(f"{live_server.url}/sandbox/gradebook", timeout=10).text
        assert "9 / 12" in page and "Completed, FullyGraded" in page
        assert "Safety: Proficient, 3 of 4 points (Wore gloves)" in page
        assert "Submitted 2026-11-20T08:30:00+00:00; attempt 1" in page
        assert page.count("9 / 12") == 1
    finally:
        database.dispose()


def test_a_lost_answer_is_resent_and_the_409_for_its_equal_timestamp_counts_as_arrived(
        live_server) -> None:
    """The sandbox stores the score and the answer is lost (504); the resend carries the same
    timestamp, which Moodle refuses with 409; then a new score within the same second still
    goes in, one second later."""
    url = live_server.url
    database = Database(live_server.config.database_url)
    clock = _Clock()
    clock.now = clock.now.replace(microsecond=100_000)
    try:
        with database.session() as session:
            link, [student] = _sandbox_course(session, url, "sandbox-student-amani")
            outbox.enqueue(session, GradebookScore(
                resource_link_id=link.id, user_id=student.id, source="submission:1/v1",
                points=3, maximum=4, grading=Grading.FINAL, rated_at=clock.now), now=clock.now)
            session.commit()
        assert requests.post(f"{url}/sandbox/faults", timeout=10,
                             json={"score": [{"status": "lost"}]}).status_code == 200
        deliverer = Deliverer(database, build_deliverer(database, live_server.config).client,
                              worker="w", clock=clock, sleep=lambda _s: None)
        assert deliverer.deliver_due_scores()["pending"] == 1  # the 504: transient, try again
        clock.now += dt.timedelta(minutes=5)  # past the backoff
        assert deliverer.deliver_due_scores()["delivered"] == 1
        with database.session() as session:
            row = session.scalars(select(GradeOutbox)).one()
            assert (row.state, row.platform_status, row.attempts) == (
                DeliveryState.DELIVERED, 409, 2)
            outbox.enqueue(session, GradebookScore(  # regraded within the same second
                resource_link_id=link.id, user_id=student.id, source="submission:1/v2",
                points=4, maximum=4, grading=Grading.FINAL,
                rated_at=row.score_timestamp.replace(microsecond=900_000)), now=clock.now)
            session.commit()
        assert deliverer.deliver_due_scores()["delivered"] == 1
        log = requests.get(f"{url}/sandbox/courses/1/score-log", timeout=10).json()
        assert [e["scoreGiven"] for e in log] == [3, 4]
        first, second = (dt.datetime.fromisoformat(e["timestamp"]) for e in log)
        assert second - first == dt.timedelta(seconds=1)
    finally:
        database.dispose()


class _Clock:
    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


class _Killed(BaseException):
    """The worker process dies right after the LMS stored a score."""


def test_faults_and_a_killed_worker_still_leave_each_score_once_and_in_order(live_server) -> None:
    url = live_server.url
    database = Database(live_server.config.database_url)
    clock = _Clock()
    try:
        with database.session() as session:
            link, students = _sandbox_course(session, url, "sandbox-student-amani",
                                             "sandbox-student-bao", "sandbox-student-carmen")
            session.commit()

        def scores(points: float) -> None:
            with database.session() as session:
                for student in students:
                    outbox.enqueue(session, GradebookScore(
                        resource_link_id=link.id, user_id=student.id,
                        source=f"submission:{student.id}/v{points:g}", points=points, maximum=4,
                        grading=Grading.FINAL), now=clock.now)
                session.commit()

        def worker(name: str, *, dies_after: int | None = None) -> Deliverer:
            base = build_deliverer(database, live_server.config, worker=name)
            client = base.client
            client.timeout = 0.5  # the sandbox's "hang" answers after 1.5 s
            if dies_after is not None:
                post = client.post_score
                left = [dies_after]

                def dying(*args: object, **kwargs: object) -> object:
                    answer = post(*args, **kwargs)  # type: ignore[arg-type]
                    left[0] -= 1
                    if left[0] < 0:
                        raise _Killed
                    return answer

                client.post_score = dying  # type: ignore[method-assign]
            return Deliverer(database, client, worker=name, clock=clock, sleep=lambda _s: None)

        assert requests.post(f"{url}/sandbox/faults", timeout=10, json={"score": [
            {"status": 503}, {"status": 429, "retry_after": 1}, {"status": "hang", "seconds": 1.5},
            {"status": "lost"}, {"status": 502}]}).status_code == 200
        scores(1)
        try:
            worker("doomed", dies_after=1).deliver_due_scores(parallelism=1)
        except _Killed:
            pass
        scores(2)
        for round_ in range(12):
            clock.now += dt.timedelta(minutes=10)  # past any backoff and the dead worker's lease
            worker(f"w{round_}").deliver_due_scores(parallelism=2)
        with database.session() as session:
            rows = session.scalars(select(GradeOutbox)).all()
            assert {r.state for r in rows} <= {DeliveryState.DELIVERED, DeliveryState.SUPERSEDED}
        log = requests.get(f"{url}/sandbox/courses/1/score-log", timeout=10).json()
        for student in students:
            mine = [(e["timestamp"], e["scoreGiven"]) for e in log if e["userId"] == student.sub]
            assert mine == sorted(mine) and len({t for t, _ in mine}) == len(mine), mine
            assert mine[-1][1] == 2, mine  # the latest score is what the gradebook holds
    finally:
        database.dispose()
