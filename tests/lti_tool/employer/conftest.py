"""An employer link issued for a placement, and a browser-like client that opens it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.model import Placement
from competencies.partners.placements import PlacementDraft, create_placement
from lti_tool.config import Config
from lti_tool.employer import issuing
from tests.competencies.partners.factories import School, school
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context

TEACHER = Actor("teacher", "Lucia Rivera", address="198.51.100.7")
CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")


@dataclasses.dataclass
class Issued:
    school: School
    placement: Placement
    link: issuing.IssuedLink

    @property
    def token(self) -> str:
        return self.link.url.split("#", 1)[1]


@pytest.fixture
def issued(db: Session, config: Config) -> Issued:
    s = school(db)
    placement = s.place(db)
    return Issued(s, placement, issuing.issue_link(db, config, placement, TEACHER))


def open_link(client: FlaskClient, token: str, **form: str) -> object:
    return client.post("/employer/session", data={"token": token, **form})


def form_token(client: FlaskClient) -> str:
    page = client.get("/employer/review").get_data(as_text=True)
    marker = 'name="form_token" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]


def all_levels(level: str = "Proficient") -> dict[str, str]:
    return {f"level:{name}": level for name in CRITERIA}


def placed_with_supervisor(flow: Flow, db: Session, config: Config, course_id: int,
                           task_id: int) -> tuple[Placement, str]:
    """The course's first student placed on the task with a partner's supervisor (made through
    the teacher's pages), and the token of the supervisor's link (no mail sent)."""
    from tests.lti_tool.teacher.test_employers import _partner_with_supervisor, _roster

    supervisor = _partner_with_supervisor(flow, db, course_id)
    roster = _roster(db, course_id)
    placement = create_placement(db, course_context(db), roster, PlacementDraft(
        student_id=next(iter(roster.values())), partner_id=supervisor.partner_id,
        supervisor_id=supervisor.id, task_id=task_id, starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 1)))
    link = issuing.issue_link(db, config, placement, TEACHER, send_mail=False)
    return placement, link.url.split("#", 1)[1]
