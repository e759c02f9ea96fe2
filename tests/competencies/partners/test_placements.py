"""Placing students one at a time: the course's students, the partner's supervisors, once."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, PartnerError, SupervisorDraft
from competencies.partners.model import Placement
from competencies.partners.placements import PlacementDraft, create_placement, get_placement
from lti_tool.models import Registration
from tests.competencies.partners.factories import School, school
from tests.competencies.tasks.task_factories import course, deployment


def _draft(s: School, **changes: object) -> PlacementDraft:
    base = PlacementDraft(student_id=s.student(), partner_id=s.partner.id,
                          supervisor_id=s.supervisor.id, task_id=s.task_id,
                          starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 1))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Placement)) or 0


def test_a_placement_takes_the_task_hours_unless_given(db: Session) -> None:
    s = school(db)
    placement = create_placement(db, s.context, s.roster, _draft(s))
    assert placement.expected_hours == 4.0  # the task's
    assert get_placement(db, s.context, placement.id).supervisor.name == "Ana Reyes"


def test_the_same_student_task_and_partner_twice_is_a_duplicate(db: Session) -> None:
    s = school(db)
    create_placement(db, s.context, s.roster, _draft(s))
    with pytest.raises(PartnerError, match="already placed at Bronx Community Clinic"):
        create_placement(db, s.context, s.roster, _draft(s))
    assert _count(db) == 1


@pytest.mark.parametrize(("change", "message"), [
    ({"student_id": 10**6}, "not in this course's roster"),
    ({"ends_on": dt.date(2026, 8, 1)}, "ends .* before it starts"),
    ({"expected_hours": -3.0}, "Expected hours"),
    ({"task_id": 10**6}, "no such task"),
])
def test_bad_placements_are_refused_and_nothing_stored(db: Session, change: dict[str, object],
                                                       message: str) -> None:
    s = school(db)
    with pytest.raises(PartnerError, match=message):
        create_placement(db, s.context, s.roster, _draft(s, **change))
    assert _count(db) == 0


def test_a_supervisor_of_another_partner_is_refused(db: Session) -> None:
    s = school(db)
    other = directory.create_partner(db, s.context, PartnerDraft(name="Other Shop"))
    stranger = directory.add_supervisor(db, s.context, other.id,
                                        SupervisorDraft(name="Sam", email="sam@shop.example.org"))
    with pytest.raises(PartnerError, match="not a supervisor at Bronx Community Clinic"):
        create_placement(db, s.context, s.roster, _draft(s, supervisor_id=stranger.id))
    assert _count(db) == 0


def test_another_course_cannot_read_a_placement(db: Session) -> None:
    s = school(db)
    placement = create_placement(db, s.context, s.roster, _draft(s))
    registration = db.get(Registration, s.context.registration_id)
    assert registration is not None
    other = course(db, deployment(db, registration))
    with pytest.raises(PartnerError, match="no such placement"):
        get_placement(db, other, placement.id)
