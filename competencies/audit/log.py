"""The audit log of employer links and ratings, readable by the course's teachers and operators.

Events are written in the same transaction as the change they describe, so the log and the data
never disagree. They carry no secrets: a link is named by its row id, never by its token, and a
detail holds only levels, names and reasons a teacher may read anyway.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from competencies.orm import Base, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_course_at", "course_id", "at"),
                      Index("ix_audit_event_registration_at", "registration_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("wbl_placement.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[str] = mapped_column(String(20))
    """teacher, employer, operator or system."""
    actor_name: Mapped[str] = mapped_column(String(300))
    actor_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"))
    address: Mapped[str | None] = mapped_column(String(64))
    """The client's IP address as the proxy reported it."""
    action: Mapped[str] = mapped_column(String(40))
    """``link.issued``, ``link.opened``, ``link.used``, ``link.revoked``, ``rating.saved``…"""
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


@dataclasses.dataclass(frozen=True)
class Actor:
    """Who acts: a teacher (LMS user), an employer (by signed link), an operator, the system."""

    kind: str
    name: str
    user_id: int | None = None
    address: str | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls("system", "Worklink")


def record(session: Session, actor: Actor, action: str, *, registration_id: int,
           course_id: int | None = None, placement_id: int | None = None,
           **detail: Any) -> AuditEvent:
    """Add an event to the session; the caller's commit makes it durable with the change."""
    event = AuditEvent(registration_id=registration_id, course_id=course_id,
                       placement_id=placement_id, actor_kind=actor.kind,
                       actor_name=actor.name[:300], actor_user_id=actor.user_id,
                       address=(actor.address or None) and actor.address[:64], action=action,
                       detail=detail)
    session.add(event)
    return event


def course_events(session: Session, registration_id: int, course_id: int, *,
                  placement_id: int | None = None, limit: int = 200) -> list[AuditEvent]:
    """Newest first: what a teacher of the course reads."""
    query = select(AuditEvent).where(AuditEvent.registration_id == registration_id,
                                     AuditEvent.course_id == course_id)
    if placement_id is not None:
        query = query.where(AuditEvent.placement_id == placement_id)
    return list(session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(limit)))


def tenant_events(session: Session, registration_id: int | None = None, *,
                  limit: int = 200) -> list[AuditEvent]:
    """Newest first, for an operator: one tenant's events, or every tenant's."""
    query = select(AuditEvent)
    if registration_id is not None:
        query = query.where(AuditEvent.registration_id == registration_id)
    return list(session.scalars(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                                .limit(limit)))
