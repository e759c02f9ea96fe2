"""A committed database with one course, a placed task and students, and a simulated grade service.

Delivery claims and records rows in transactions of its own from several threads, so these
tests use a database of their own (``fresh_database_url``), not the rolled-back test session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from bench.ags_platform import AgsPlatform
from lti_tool.db import Database
from lti_tool.grades.ags_client import AgsClient
from lti_tool.grades.delivery import Deliverer
from lti_tool.grades.pacing import Pacing
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.lti import keys
from lti_tool.lti.registrations import add_registration
from lti_tool.lti.store import DatabaseStore
from lti_tool.models import Course, ResourceLink, User
from lti_tool.outbound.addresses import AddressPolicy
from lti_tool.outbound.client import OutboundClient
from tests.lti_tool.lti.nrps_platform import install_tool_key

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
OUTBOUND = OutboundClient(AddressPolicy.parse(["127.0.0.1"]),
                          user_agent="Worklink/test (+https://worklink.test)")
"""The simulated platform listens on 127.0.0.1: an allowance production never has by default."""


class Clock:
    """The delivery's idea of now: moved on by the test, never by waiting."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@dataclasses.dataclass
class GradeWorld:
    database: Database
    lms: AgsPlatform
    clock: Clock
    course_id: int
    link_id: int
    students: list[int]
    subs: list[str]
    client: AgsClient
    pacing: Pacing

    def session(self) -> Session:
        return self.database.sessions()

    def deliverer(self, worker: str = "w1", client: AgsClient | None = None) -> Deliverer:
        return Deliverer(self.database, client or self.client, worker=worker, pacing=self.pacing,
                         clock=self.clock, sleep=lambda _s: None)

    def new_client(self, timeout: float = 2.0) -> AgsClient:
        return make_client(self.database, timeout)

    def score(self, student: int = 0, points: float = 8, *, source: str | None = None,
              grading: Grading = Grading.FINAL, link_id: int | None = None) -> GradebookScore:
        return GradebookScore(
            resource_link_id=link_id or self.link_id, user_id=self.students[student],
            source=source or f"submission:{student}/v1", points=points, maximum=12,
            grading=grading, rater="Ana Ruiz (employer), moderated by Lucia Rivera",
            rated_at=self.clock.now, submitted_at=START - dt.timedelta(days=2, hours=3),
            work_url="https://worklink.test/work/abc",
            # What each level adds to the 8 of 12 (Communication weighs double); Initiative
            # was not observed, so it is out of the score and of its maximum.
            criteria=[CriterionLine("Safety", "Proficient", 4, 4, "Always wore gloves"),
                      CriterionLine("Communication", "Developing", 4, 8),
                      CriterionLine("Initiative", None, None, 4)])


def make_client(database: Database, timeout: float = 2.0) -> AgsClient:
    def signing() -> keys.SigningKey:
        with database.session() as session:
            return keys.signing_key(session)

    return AgsClient(DatabaseStore(database), signing, outbound=OUTBOUND, timeout=timeout)


@pytest.fixture
def lms() -> Iterator[AgsPlatform]:
    with AgsPlatform(hang_seconds=3.0) as platform:
        yield platform


@pytest.fixture
def world(fresh_database_url: str, lms: AgsPlatform) -> Iterator[GradeWorld]:
    database = Database(fresh_database_url)
    with database.session() as session:
        install_tool_key(session)
        registration = add_registration(
            session, name="Sim LMS", issuer="https://lms.sim.test", client_id="sim-client",
            auth_login_url="https://lms.sim.test/auth", auth_token_url=lms.token_url,
            key_set={"keys": []}, deployment_ids=["d-1"], product="canvas")
        session.flush()
        course = Course(deployment_id=registration.deployments[0].id, context_id="course-1",
                        title="Health Science", lineitems_url=lms.lineitems_url("course-1"))
        session.add(course)
        session.flush()
        link = ResourceLink(course_id=course.id, resource_link_id="rl-1", title="Clinic shadow")
        users = [User(registration_id=registration.id, sub=f"student-{n}") for n in range(4)]
        session.add_all([link, *users])
        session.commit()
        ids = (course.id, link.id, [u.id for u in users], [u.sub for u in users])
    clock = Clock()
    yield GradeWorld(database, lms, clock, *ids, client=make_client(database),
                     pacing=Pacing(lambda: clock.now.timestamp()))
    database.dispose()
