"""An employer link issued for a placement, and a browser-like client that opens it."""

from __future__ import annotations

import dataclasses

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.model import Placement
from lti_tool.config import Config
from lti_tool.employer import issuing
from tests.competencies.partners.factories import School, school

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
