"""Worklink's grade delivery against the live sandbox LMS's grade service (no browser): the
column is made once, the grade, comment and Canvas submission land in the sandbox gradebook,
and a resend after a crash is recognised by the sandbox's 409, not stored twice."""

from __future__ import annotations

import datetime as dt

import requests
from sqlalchemy import select, update

from lti_tool.db import Database
from lti_tool.grades import outbox
from lti_tool.grades.delivery import build_deliverer
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


def test_a_final_score_lands_in_the_sandbox_gradebook_once(live_server) -> None:
    database = Database(live_server.config.database_url)
    try:
        with database.session() as session:
            registration = session.scalars(select(Registration).where(
                Registration.issuer == f"{live_server.url}/sandbox")).one()
            deployment = session.scalars(select(Deployment).where(
                Deployment.registration_id == registration.id)).first()
            assert deployment is not None
            course = Course(deployment_id=deployment.id, context_id="sandbox-course-1",
                            lineitems_url=f"{live_server.url}/sandbox/courses/1/lineitems")
            session.add(course)
            session.flush()
            link = ResourceLink(course_id=course.id, resource_link_id="sandbox-link-1",
                                title="Hospital job shadow")
            student = User(registration_id=registration.id, sub="sandbox-student-amani")
            session.add_all([link, student])
            session.flush()
            outbox.enqueue(session, GradebookScore(
                resource_link_id=link.id, user_id=student.id, source="submission:1/v1",
                points=9, maximum=12, grading=Grading.FINAL,
                rater="Ana Ruiz (employer), moderated by Lucia Rivera",
                submitted_at=dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC),
                evidence_url="https://worklink.test/evidence/1",
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
        assert "Safety: Proficient: 3/4 (Wore gloves)" in page
        assert "Submitted 2026-11-20T08:30:00+00:00; attempt 1" in page
        assert page.count("9 / 12") == 1
    finally:
        database.dispose()
