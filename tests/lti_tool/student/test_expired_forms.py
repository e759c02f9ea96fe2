"""A student's form sent with an expired token (Worklink launched again in another tab, a new
session) comes back as typed, saying nothing was saved, with a fresh token: a reflection written
over twenty minutes on a phone is never lost to it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import CareerInterest
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, stored, text
from tests.lti_tool.teacher.test_refused_forms_keep_input import Fields

EXPIRED = "This form had expired, so nothing was saved. What you sent is below: check it and " \
          "send it again."
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, due_at=utcnow() + dt.timedelta(days=7),
                       asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION,
                              AskedArtifact.HOURS_LOG))


def _stale_token(placed: PlacedClass) -> str:
    """The task page's form token, then the student opens the task again in another tab."""
    placed.student()
    token = _TOKEN.search(placed.page)
    assert token is not None
    placed.student()
    return token.group(1)


TODAY = dt.date.today().isoformat()


@pytest.mark.parametrize(("form", "typed", "section"), [
    ("links", {"url": "https://portfolio.example.org/clinic", "title": "My portfolio"},
     "links"),
    ("hours", {"work_date": TODAY, "starts_at": "09:00", "ends_at": "11:30", "hours": "2.5",
               "activity": "Took vitals with the charge nurse", "site": "Bronx Clinic"},
     "hours_log"),
    ("reflection", {"reflection": "<div>Twenty minutes of what I learned at triage.</div>"},
     "reflection-section"),
    ("submit", {"learned": "How to take vitals", "would_change": "More time at the desk",
                "recommend": "yes", "rating_experience": "4", "rating_support": "5"},
     "submit"),
])
def test_a_form_with_an_expired_token_comes_back_as_typed_and_stores_nothing(
        placed: PlacedClass, db: Session, form: str, typed: dict[str, str],
        section: str) -> None:
    stale = _stale_token(placed)
    before = stored(db)

    response = placed.flow.client.post(f"{placed.task_url}/{form}",
                                       data={"csrf_token": stale, **typed})

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and EXPIRED in text(page)
    assert f'<a href="#{section}">' in page and f'id="{section}"' in page
    assert stale not in page and _TOKEN.search(page) is not None  # a fresh token to send it with
    fields = Fields(page)
    shown = {name: fields.values.get(_FIELD_IDS[form].get(name, ""), "") for name in typed}
    radios = {name: value for name, value in typed.items() if name not in _FIELD_IDS[form]}
    assert shown == {name: ("" if name in radios else value) for name, value in typed.items()}
    assert {f"survey-{name}-{value}" for name, value in radios.items()} <= fields.checked
    assert stored(db) == before


_FIELD_IDS = {
    "links": {"url": "link-url", "title": "link-title"},
    "hours": {"work_date": "hours-date", "starts_at": "hours-start", "ends_at": "hours-end",
              "hours": "hours-hours", "activity": "hours-activity", "site": "hours-site"},
    "reflection": {"reflection": "reflection"},
    "submit": {"learned": "survey-learned", "would_change": "survey-change"},
}
"""The inputs that show a typed value; the survey's radios show it as the one checked."""


def test_the_expired_form_sent_again_is_saved(placed: PlacedClass) -> None:
    stale = _stale_token(placed)
    response = placed.flow.client.post(f"{placed.task_url}/reflection", data={
        "csrf_token": stale, "reflection": "<div>Kept.</div>"})
    assert response.status_code == 422
    placed.page = response.get_data(as_text=True)

    again = placed.post(f"{placed.task_url}/reflection", {"reflection": "<div>Kept.</div>"})

    assert again.status_code == 303 and "Saved." in text(placed.page)
    assert "Kept." in placed.page


def test_the_career_interest_comes_back_as_typed(placed: PlacedClass, db: Session) -> None:
    stale = _stale_token(placed)

    response = placed.flow.client.post(f"/student/course/{placed.course_id}/pathway", data={
        "csrf_token": stale, "link_id": str(placed.link_id), "pathway": "Patient Care"})

    page = response.get_data(as_text=True)
    assert response.status_code == 422 and EXPIRED in text(page)
    assert '<a href="#pathway-section">' in page
    assert Fields(page).values["pathway"] == "Patient Care"
    assert db.query(CareerInterest).count() == 0

