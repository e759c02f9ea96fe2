"""Employer link records: one live link per placement and supervisor, expiry, revocation, use."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor, AuditEvent
from competencies.orm import utcnow
from competencies.partners import links
from competencies.partners.directory import PartnerError
from competencies.partners.links import LinkState
from competencies.tasks import versions
from competencies.tasks.model import Task, TaskVersion
from tests.competencies.partners.factories import school

TEACHER = Actor("teacher", "Lucia Rivera", address="198.51.100.7")


def test_a_new_link_revokes_the_old_one_for_the_same_supervisor(db: Session) -> None:
    s = school(db)
    placement = s.place(db)
    first = links.issue(db, placement, TEACHER).link
    second = links.issue(db, placement, TEACHER)
    assert second.replaced == [first]
    assert links.state(first) is LinkState.REVOKED and first.revoked_reason.startswith("replaced")
    assert links.state(second.link) is LinkState.USABLE
    assert links.active_links(db, placement.id) == [second.link]


def test_a_link_expires_after_its_lifetime_default_two_weeks(db: Session) -> None:
    s = school(db)
    now = utcnow()
    link = links.issue(db, s.place(db), TEACHER, now=now).link
    assert link.expires_at == now + dt.timedelta(days=14)
    assert links.state(link, now=now + dt.timedelta(days=13, hours=23)) is LinkState.USABLE
    assert links.state(link, now=now + dt.timedelta(days=14)) is LinkState.EXPIRED


def test_opening_is_audited_and_changes_nothing_use_makes_it_read_only(db: Session) -> None:
    s = school(db)
    placement = s.place(db)
    link = links.issue(db, placement, TEACHER, bind_email=True).link
    assert link.bound_email == "ana.reyes@clinic.example.org"
    employer = Actor("employer", "Ana Reyes", address="203.0.113.9")
    links.record_opened(db, link, employer)
    links.record_opened(db, link, employer)
    assert links.state(link) is LinkState.USABLE and link.used_at is None
    links.mark_used(db, link, employer)
    assert links.state(link) is LinkState.USED
    links.reopen(db, placement.id, s.supervisor.id)
    assert links.state(link) is LinkState.USABLE
    links.revoke(db, link, TEACHER)
    assert links.state(link) is LinkState.REVOKED
    actions = list(db.scalars(select(AuditEvent.action).where(
        AuditEvent.placement_id == placement.id).order_by(AuditEvent.id)))
    assert actions == ["link.issued", "link.opened", "link.opened", "link.used", "link.revoked"]


def test_the_audit_holds_no_token(db: Session) -> None:
    s = school(db)
    link = links.issue(db, s.place(db), TEACHER).link
    links.revoke(db, link, TEACHER)
    for event in db.scalars(select(AuditEvent)):
        assert link.jti not in str(event.detail)


def test_a_link_pins_the_rubric_and_a_task_without_one_gets_no_link(db: Session) -> None:
    s = school(db)
    placement = s.place(db)
    link = links.issue(db, placement, TEACHER).link
    task = db.get(Task, placement.task_id)
    assert task is not None
    assert versions.rubric_of(db.get(TaskVersion, link.task_version_id)).criteria  # type: ignore[arg-type, union-attr]
    task.rubric_id = None
    db.flush()
    with pytest.raises(PartnerError, match="has no rubric for an employer to rate"):
        links.issue(db, placement, TEACHER)
