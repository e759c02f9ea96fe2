"""Placing students with partners, one at a time or a whole class from a CSV file.

A placement ties a student of the course, a partner and one of its supervisors, a task the
course can see, dates and expected hours. The same student placed for the same task with the
same partner is a duplicate, whether it comes twice in one file or was placed before.

The domain does not know the LMS's people: the shell passes the course's students as a
:data:`Roster` (an email or LMS login, lower-cased, to the student's id).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.messages import N_, Message
from competencies.partners.directory import (
    PartnerError,
    get_partner,
    get_supervisor,
)
from competencies.partners.model import Partner, Placement, Supervisor
from competencies.tasks.library import CourseContext, TaskNotFound, get_visible

Roster = Mapping[str, int]
"""The course's students: lower-cased email or LMS login → the student's id."""


@dataclasses.dataclass(frozen=True)
class PlacementDraft:
    student_id: int
    partner_id: int
    supervisor_id: int
    task_id: int
    starts_on: dt.date
    ends_on: dt.date
    expected_hours: float | None = None


def check_dates_and_hours(starts_on: dt.date, ends_on: dt.date,
                          expected_hours: float | None) -> list[Message]:
    """What is wrong with a placement's dates and hours, in words; empty when they are sound."""
    found: list[Message] = []
    if ends_on < starts_on:
        found.append(Message(N_("It ends (%(ends)s) before it starts (%(starts)s)."),
                             ends=ends_on, starts=starts_on))
    if expected_hours is not None and not (math.isfinite(expected_hours)
                                           and 0 < expected_hours <= 2000):
        found.append(Message(N_("Expected hours must be more than 0 and at most 2000.")))
    return found


def create_placement(session: Session, context: CourseContext, roster: Roster,
                     draft: PlacementDraft) -> Placement:
    """One student placed; refuses a student outside the course and a duplicate."""
    if draft.student_id not in set(roster.values()):
        raise PartnerError(N_("That student is not in this course's roster."))
    partner = get_partner(session, context, draft.partner_id)
    supervisor = get_supervisor(session, context, draft.supervisor_id)
    if supervisor.partner_id != partner.id:
        raise PartnerError(N_("%(supervisor)s is not a supervisor at %(partner)s."),
                           supervisor=supervisor.name, partner=partner.name)
    try:
        task = get_visible(session, context, draft.task_id)
    except TaskNotFound as exc:
        raise PartnerError(exc.messages) from None
    problems = check_dates_and_hours(draft.starts_on, draft.ends_on, draft.expected_hours)
    if problems:
        raise PartnerError(problems)
    if _existing(session, context, draft.student_id, task.id, partner.id) is not None:
        raise PartnerError(N_("This student is already placed at %(partner)s for “%(task)s”."),
                           partner=partner.name, task=task.title)
    placement = Placement(
        registration_id=context.registration_id, course_id=context.course_id,
        student_id=draft.student_id, partner_id=partner.id, supervisor_id=supervisor.id,
        task_id=task.id, starts_on=draft.starts_on, ends_on=draft.ends_on,
        expected_hours=draft.expected_hours if draft.expected_hours is not None
        else task.expected_hours)
    session.add(placement)
    session.commit()
    return placement


def get_placement(session: Session, context: CourseContext, placement_id: int) -> Placement:
    """A placement of this course; another course's id is "not found"."""
    placement = session.scalar(select(Placement).where(
        Placement.id == placement_id, Placement.course_id == context.course_id,
        Placement.registration_id == context.registration_id))
    if placement is None:
        raise PartnerError(N_("There is no such placement in this course."))
    return placement


def course_placements(session: Session, context: CourseContext) -> list[Placement]:
    return list(session.scalars(
        select(Placement).where(Placement.course_id == context.course_id,
                                Placement.registration_id == context.registration_id)
        .order_by(Placement.id)))


def _existing(session: Session, context: CourseContext, student_id: int, task_id: int,
              partner_id: int) -> Placement | None:
    return session.scalar(select(Placement).where(
        Placement.course_id == context.course_id, Placement.student_id == student_id,
        Placement.task_id == task_id, Placement.partner_id == partner_id))


def partners_and_supervisors(session: Session, context: CourseContext
                             ) -> tuple[dict[str, Partner], dict[tuple[int, str], Supervisor]]:
    """The tenant's partners by name key, and supervisors by (partner id, email), in two reads."""
    partners = {p.name_key: p for p in session.scalars(
        select(Partner).where(Partner.registration_id == context.registration_id))}
    supervisors = {(s.partner_id, s.email): s for s in session.scalars(
        select(Supervisor).join(Partner)
        .where(Partner.registration_id == context.registration_id))}
    return partners, supervisors
