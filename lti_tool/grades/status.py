"""Where each student's grade stands on its way to the LMS, for the teacher and the operator."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.messages import Message
from lti_tool.models import (
    Course,
    DeliveryState,
    GradeOutbox,
    LineItemBinding,
    Registration,
    ResourceLink,
    User,
)


@dataclasses.dataclass(frozen=True)
class SyncEntry:
    row_id: int
    task: str
    """The placed task's title, empty when the LMS gave none."""
    student: str
    state: DeliveryState
    points: float | None
    maximum: float | None
    delivered_at: dt.datetime | None
    next_attempt_at: dt.datetime
    attempts: int
    problem: Message | str | None
    """What went wrong: a sentence to translate, or the English of a row written before."""
    platform_status: int | None

    @property
    def words(self) -> str:
        """The state as the teacher reads it."""
        if self.state is DeliveryState.DELIVERED:
            return "In the gradebook"
        if self.state is DeliveryState.FAILED:
            return "Not sent"
        if self.state is DeliveryState.SUPERSEDED:
            return "Not sent: the LMS holds a newer grade"
        if self.state is DeliveryState.IN_FLIGHT:
            return "Sending now"
        return "Waiting to retry" if self.attempts else "Waiting to be sent"


@dataclasses.dataclass(frozen=True)
class ColumnMismatch:
    task: str
    in_lms: float
    in_rubric: float


@dataclasses.dataclass(frozen=True)
class CourseSync:
    entries: list[SyncEntry]
    mismatches: list[ColumnMismatch]

    @property
    def not_delivered(self) -> int:
        return sum(1 for e in self.entries
                   if e.state in (DeliveryState.PENDING, DeliveryState.IN_FLIGHT,
                                  DeliveryState.FAILED))


def course_sync(session: Session, course_id: int) -> CourseSync:
    """The newest score of every (placed task, student) in the course, in two queries."""
    newest = (select(GradeOutbox.resource_link_id, GradeOutbox.user_id,
                     func.max(GradeOutbox.sequence).label("sequence"))
              .where(GradeOutbox.course_id == course_id)
              .group_by(GradeOutbox.resource_link_id, GradeOutbox.user_id).subquery())
    rows = session.execute(
        select(GradeOutbox, ResourceLink.title, User)
        .join(newest, (newest.c.resource_link_id == GradeOutbox.resource_link_id)
              & (newest.c.user_id == GradeOutbox.user_id)
              & (newest.c.sequence == GradeOutbox.sequence))
        .join(ResourceLink, ResourceLink.id == GradeOutbox.resource_link_id)
        .join(User, User.id == GradeOutbox.user_id)
        .order_by(ResourceLink.title, User.family_name, User.given_name, User.id)
    ).all()
    entries = [SyncEntry(
        row_id=row.id, task=title or "", student=user.display_name,
        state=row.state, points=row.score.get("scoreGiven"),
        maximum=row.score.get("scoreMaximum"), delivered_at=row.delivered_at,
        next_attempt_at=row.next_attempt_at, attempts=row.attempts,
        problem=Message.from_json(row.problem_message) if row.problem_message else row.problem,
        platform_status=row.platform_status) for row, title, user in rows]
    maximum_by_link = {row.resource_link_id: row.score.get("scoreMaximum") for row, _, _ in rows}
    mismatches = [
        ColumnMismatch(title or "", binding.score_maximum, sent)
        for binding, title, link_id in session.execute(
            select(LineItemBinding, ResourceLink.title, ResourceLink.id)
            .join(ResourceLink, ResourceLink.id == LineItemBinding.resource_link_id)
            .where(ResourceLink.course_id == course_id, LineItemBinding.url.is_not(None)))
        if binding.score_maximum is not None
        and (sent := maximum_by_link.get(link_id)) is not None
        and abs(binding.score_maximum - sent) > 1e-9
    ]
    return CourseSync(entries, mismatches)


@dataclasses.dataclass(frozen=True)
class TenantSync:
    registration_id: int
    name: str
    counts: Counter[str]
    oldest_waiting: dt.datetime | None


def tenants_sync(session: Session) -> list[TenantSync]:
    """Per platform: how many scores are in each state, and how long the oldest has waited."""
    found: dict[int, TenantSync] = {}
    for registration_id, name, state, count, oldest in session.execute(
        select(Registration.id, Registration.name, GradeOutbox.state, func.count(),
               func.min(GradeOutbox.created_at))
        .join(GradeOutbox, GradeOutbox.registration_id == Registration.id)
        .group_by(Registration.id, Registration.name, GradeOutbox.state)
        .order_by(Registration.name)
    ):
        entry = found.setdefault(registration_id, TenantSync(registration_id, name, Counter(), None))
        entry.counts[state.value] = count
        if state in (DeliveryState.PENDING, DeliveryState.IN_FLIGHT) and oldest is not None:
            waiting = oldest if entry.oldest_waiting is None else min(entry.oldest_waiting, oldest)
            found[registration_id] = dataclasses.replace(entry, oldest_waiting=waiting)
    return list(found.values())


def course_of(session: Session, row_id: int) -> int | None:
    return session.scalar(select(GradeOutbox.course_id).where(GradeOutbox.id == row_id))


__all__ = ["Course", "CourseSync", "SyncEntry", "TenantSync", "course_of", "course_sync",
           "tenants_sync"]
