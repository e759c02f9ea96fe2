"""Employer links: one per (placement, supervisor), expiring, revocable, used once by a submit.

This module keeps the link's record (its ``jti``, who it is for, until when); the shell signs
the token that carries the ``jti`` and checks the signature. A token is worth nothing without
its record: revoking, expiry and use are decided here, against the database.

Opening a link changes nothing: mail scanners (Microsoft Safe Links and others) open every link,
some even post forms, before the person does. Only the supervisor's own submit marks the link
used; it then shows the rating read-only. A rating the teacher sends back reopens it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import secrets

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from competencies.audit import Actor, record
from competencies.orm import Base, utcnow
from competencies.partners.model import Placement, Supervisor

DEFAULT_LIFETIME = dt.timedelta(days=14)


class EmployerLink(Base):
    __tablename__ = "employer_link"
    __table_args__ = (Index("ix_employer_link_placement_supervisor", "placement_id",
                            "supervisor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    """The token's id: the token is accepted only while this row says so."""
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    placement_id: Mapped[int] = mapped_column(ForeignKey("placement.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisor.id", ondelete="CASCADE"))
    bound_email: Mapped[str | None] = mapped_column(String(320))
    """When set, the supervisor confirms this address before the page opens."""
    issued_by: Mapped[str] = mapped_column(String(300))
    issued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    revoked_at: Mapped[dt.datetime | None] = mapped_column()
    revoked_reason: Mapped[str | None] = mapped_column(String(200))
    used_at: Mapped[dt.datetime | None] = mapped_column()
    """When the supervisor submitted their rating through it."""

    placement: Mapped[Placement] = relationship()
    supervisor: Mapped[Supervisor] = relationship()


class LinkState(enum.StrEnum):
    USABLE = "usable"
    USED = "used"
    """Submitted: the page shows the rating read-only."""
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclasses.dataclass(frozen=True)
class Issued:
    link: EmployerLink
    replaced: list[EmployerLink]


def state(link: EmployerLink, *, now: dt.datetime | None = None) -> LinkState:
    now = now or utcnow()
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if link.used_at is not None:
        return LinkState.USED
    if link.expires_at <= now:
        return LinkState.EXPIRED
    return LinkState.USABLE


def by_jti(session: Session, jti: str) -> EmployerLink | None:
    return session.scalar(select(EmployerLink).where(EmployerLink.jti == jti))


def active_links(session: Session, placement_id: int) -> list[EmployerLink]:
    return list(session.scalars(select(EmployerLink).where(
        EmployerLink.placement_id == placement_id, EmployerLink.revoked_at.is_(None))
        .order_by(EmployerLink.id)))


def issue(session: Session, placement: Placement, actor: Actor, *,
          lifetime: dt.timedelta = DEFAULT_LIFETIME, bind_email: bool = False,
          now: dt.datetime | None = None) -> Issued:
    """A new link for the placement's supervisor; any earlier one for the same pair is revoked.

    Flushes, does not commit: the shell signs the token and queues the email in the same
    transaction.
    """
    now = now or utcnow()
    if lifetime <= dt.timedelta(0):
        raise ValueError("a link must live for some time")
    supervisor = placement.supervisor
    replaced = list(session.scalars(select(EmployerLink).where(
        EmployerLink.placement_id == placement.id,
        EmployerLink.supervisor_id == supervisor.id, EmployerLink.revoked_at.is_(None))))
    for old in replaced:
        old.revoked_at = now
        old.revoked_reason = "replaced by a new link"
        record(session, actor, "link.revoked", registration_id=placement.registration_id,
               course_id=placement.course_id, placement_id=placement.id, link_id=old.id,
               reason=old.revoked_reason)
    link = EmployerLink(
        jti=secrets.token_urlsafe(18), registration_id=placement.registration_id,
        course_id=placement.course_id, placement_id=placement.id, supervisor_id=supervisor.id,
        bound_email=supervisor.email if bind_email else None, issued_by=actor.name[:300],
        issued_at=now, expires_at=now + lifetime)
    session.add(link)
    session.flush()
    record(session, actor, "link.issued", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id, link_id=link.id,
           supervisor=supervisor.email, expires=f"{link.expires_at:%Y-%m-%d %H:%M} UTC",
           bound_to_email=bind_email)
    return Issued(link, replaced)


def revoke(session: Session, link: EmployerLink, actor: Actor, *,
           reason: str = "revoked by the teacher") -> None:
    """Stop the link working; commits. Revoking twice changes nothing."""
    if link.revoked_at is not None:
        return
    link.revoked_at = utcnow()
    link.revoked_reason = reason[:200]
    record(session, actor, "link.revoked", registration_id=link.registration_id,
           course_id=link.course_id, placement_id=link.placement_id, link_id=link.id,
           reason=link.revoked_reason)
    session.commit()


def mark_used(session: Session, link: EmployerLink, actor: Actor) -> None:
    """The supervisor submitted through the link; the caller commits with the rating."""
    link.used_at = utcnow()
    record(session, actor, "link.used", registration_id=link.registration_id,
           course_id=link.course_id, placement_id=link.placement_id, link_id=link.id)


def reopen(session: Session, placement_id: int, supervisor_id: int | None) -> None:
    """A rating sent back: the supervisor's live link may be used again (caller commits)."""
    for link in session.scalars(select(EmployerLink).where(
            EmployerLink.placement_id == placement_id,
            EmployerLink.supervisor_id == supervisor_id,
            EmployerLink.revoked_at.is_(None), EmployerLink.used_at.is_not(None))):
        link.used_at = None


def record_opened(session: Session, link: EmployerLink, actor: Actor) -> None:
    """The audit's note that the link was opened; the link itself is left as it was."""
    record(session, actor, "link.opened", registration_id=link.registration_id,
           course_id=link.course_id, placement_id=link.placement_id, link_id=link.id,
           state=state(link).value)
    session.commit()
