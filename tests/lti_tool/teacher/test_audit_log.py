"""The audit log and a placement's "What happened" read as sentences, in the page's language."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.audit import Actor, AuditEvent, record
from competencies.partners import links
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.moderation import Adjustment
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from lti_tool.models import User
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.teacher.placement_factories import bakery_placement

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")
TEACHER = Actor("teacher", "Lucia Rivera", address="198.51.100.7")
SUPERVISOR = Actor("employer", "Rosa Martínez")


@pytest.fixture
def placement(flow: Flow, db: Session) -> Placement:
    return bakery_placement(flow, db)


def _rated_and_revoked(db: Session, placement: Placement) -> None:
    """A whole story: issued, opened, rated with one level adjusted, accepted, revoked."""
    link = links.issue(db, placement, TEACHER).link
    db.commit()
    links.record_opened(db, link, SUPERVISOR)
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Rosa Martínez", supervisor_id=placement.supervisor_id)
    ratings.save(db, rating, rubric, {c: Choice("Proficient") for c in CRITERIA}, SUPERVISOR)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id),
                   "Rosa Martínez", SUPERVISOR)
    moderation.accept(db, rating, rubric, TEACHER,
                      {"Communication": Adjustment("Advanced", "Led the morning huddle")})
    links.revoke(db, link, TEACHER)


def _rows(page: str) -> list[str]:
    """The text of each row of the events table, tags dropped."""
    table = page[page.index('<table class="audit">'):]
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def test_the_audit_log_tells_each_event_as_a_sentence_without_stored_keys(
        flow: Flow, db: Session, placement: Placement) -> None:
    _rated_and_revoked(db, placement)
    page = flow.client.get(f"/teacher/course/{placement.course_id}/audit").get_data(as_text=True)
    rows = _rows(page)
    text = "\n".join(rows)
    assert any("Lucia Rivera (teacher) issued a rating link to Rosa Martínez" in row
               and "It works until" in row for row in rows), text
    assert "The link was opened" in text
    assert "Rosa Martínez (employer) submitted the rating" in text
    assert any("Lucia Rivera (teacher) accepted the employer's rating" in row
               and "Communication: changed from Proficient to Advanced." in row
               and "Reason: Led the morning huddle" in row for row in rows), text
    assert "The teacher revoked the link" in text
    assert "Amani Okafor at Sunrise Bakery (Bakery internship)" in text
    for internal in ("link.issued", "link.opened", "link.revoked", "rating.accepted",
                     "bound_to_email", "state:", "reason:", "{}", "False", "True", "'from'",
                     "link_id", "revoked by the teacher"):
        assert internal not in text, internal
    # The record itself is untouched: the page only tells it.
    stored = db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert stored[0] == "link.issued" and stored[-1] == "link.revoked"


def test_the_placement_page_tells_what_happened_in_spanish(
        flow: Flow, db: Session, placement: Placement) -> None:
    _rated_and_revoked(db, placement)
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()
    page = flow.client.get(
        f"/teacher/course/{placement.course_id}/placements/{placement.id}").get_data(as_text=True)
    text = "\n".join(_rows(page))
    assert "Lucia Rivera (docente) emitió un enlace de evaluación para Rosa Martínez" in text
    assert "Se abrió el enlace" in text
    assert "Communication: cambió de Proficient a Advanced." in text
    assert "El equipo docente revocó el enlace" in text
    assert "(teacher)" not in text and "(employer)" not in text and "link." not in text


def test_confirmed_hours_read_with_their_day_and_a_plural_in_the_page_language(
        flow: Flow, db: Session, placement: Placement) -> None:
    for hours, day in ((1, "2026-12-02"), (4.5, "2026-12-03")):
        record(db, SUPERVISOR, "hours.confirmed", registration_id=placement.registration_id,
               course_id=placement.course_id, placement_id=placement.id, link_id=1,
               entry_id=7, hours=hours, work_date=day)
    db.commit()
    url = f"/teacher/course/{placement.course_id}/audit"
    text = "\n".join(_rows(flow.client.get(url).get_data(as_text=True)))
    assert "Rosa Martínez (employer) confirmed 1 hour worked on Dec 2, 2026" in text
    assert "confirmed 4.5 hours worked on Dec 3, 2026" in text
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()
    text = "\n".join(_rows(flow.client.get(url).get_data(as_text=True)))
    assert "Rosa Martínez (empleador) confirmó 1 hora de trabajo del 2 dic 2026" in text
    assert "confirmó 4,5 horas de trabajo del 3 dic 2026" in text
    assert "entry_id" not in text and "2026-12-03" not in text


def test_an_event_worklink_does_not_know_yet_reads_as_a_generic_line(
        flow: Flow, db: Session, placement: Placement) -> None:
    record(db, TEACHER, "link.teleported", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id,
           where={"nested": [1, 2]}, flag=False)
    record(db, SUPERVISOR, "link.opened", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id, link_id=999_999,
           state="expired")
    db.commit()
    page = flow.client.get(f"/teacher/course/{placement.course_id}/audit")
    assert page.status_code == 200
    text = "\n".join(_rows(page.get_data(as_text=True)))
    assert "Lucia Rivera (teacher) changed an employer link or rating" in text
    assert "The link had expired: the page did not open." in text
    assert "nested" not in text and "False" not in text
