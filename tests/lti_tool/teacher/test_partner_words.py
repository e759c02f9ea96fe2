"""A refused supervisor email is explained in Worklink's own words, in the page's language."""

from __future__ import annotations

import html
import re

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft
from competencies.partners.model import Supervisor
from lti_tool.models import User
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context


def _add_supervisor(flow: Flow, db: Session, email: str) -> str:
    partner = directory.create_partner(db, course_context(db), PartnerDraft(name="Sunrise Bakery"))
    db.commit()
    url = f"/teacher/course/{course_context(db).course_id}/partners/{partner.id}"
    token = re.search(r'name="csrf_token" value="([^"]+)"', flow.client.get(url).get_data(as_text=True))
    assert token is not None
    answer = flow.client.post(url, data={"csrf_token": token.group(1), "action": "supervisor",
                                         "name": "Rosa Martínez", "email": email,
                                         "language": "es"})
    return html.unescape(answer.get_data(as_text=True))


def test_an_email_without_a_period_after_the_at_is_explained_in_spanish(
        flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()
    page = _add_supervisor(flow, db, "rosa@bakery")
    assert "“rosa@bakery” no es una dirección de correo electrónico: " \
           "la parte después de la @ necesita un punto, como en clinic.org." in page
    assert "It should have a period" not in page and "@-sign" not in page
    assert db.scalar(select(Supervisor)) is None


def test_an_email_with_a_space_is_explained_in_english(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    page = _add_supervisor(flow, db, "rosa martinez@bakery.example.org")
    assert "“rosa martinez@bakery.example.org” is not an email address: it has a space in it." \
        in page
    assert "SPACE" not in page


def test_one_issued_link_is_counted_in_the_singular(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    url = f"/teacher/course/{course_context(db).course_id}/placements"
    one = flow.client.get(url, query_string={"issued": "1"}).get_data(as_text=True)
    assert "1 link issued; its email is queued." in one
    three = flow.client.get(url, query_string={"issued": "3"}).get_data(as_text=True)
    assert "3 links issued; their emails are queued." in three
