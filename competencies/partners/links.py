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
from collections.abc import Sequence

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from competencies.audit import Actor, record
from competencies.messages import N_
from competencies.orm import Base, utcnow
from competencies.partners.directory import PartnerError
from competencies.partners.model import Placement, Supervisor
from competencies.tasks import versions
from competencies.tasks.model import Task, TaskVersion

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
    placement_id: Mapped[int] = mapped_column(ForeignKey("wbl_placement.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisor.id", ondelete="CASCADE"))
    task_version_id: Mapped[int] = mapped_column(
        ForeignKey("wbl_task_version.id", ondelete="RESTRICT"))
    """The task, and so the rubric, frozen when the link was issued: what the employer rates."""
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
    """The link with its placement, partner and supervisor, in one statement (every employer
    request starts here)."""
    return session.scalar(select(EmployerLink).where(EmployerLink.jti == jti).options(
        joinedload(EmployerLink.placement).joinedload(Placement.partner),
        joinedload(EmployerLink.supervisor)))


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
    version = frozen_version(session, placement.task_id)
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
        task_version_id=version.id, bound_email=supervisor.email if bind_email else None, issued_by=actor.name[:300],
        issued_at=now, expires_at=now + lifetime)
    session.add(link)
    session.flush()
    record(session, actor, "link.issued", registration_id=placement.registration_id,
           course_id=placement.course_id, placement_id=placement.id, link_id=link.id,
           supervisor=supervisor.email, expires=f"{link.expires_at:%Y-%m-%d %H:%M} UTC",
           bound_to_email=bind_email)
    return Issued(link, replaced)


def issue_many(session: Session, placements: Sequence[Placement], actor: Actor, *,
               lifetime: dt.timedelta = DEFAULT_LIFETIME,
               now: dt.datetime | None = None) -> list[Issued]:
    """:func:`issue` for a whole class or district at once: a handful of statements whatever
    the count. Flushes, does not commit."""
    now = now or utcnow()
    if lifetime <= dt.timedelta(0):
        raise ValueError("a link must live for some time")
    by_placement = {p.id: p for p in placements}
    frozen = {task_id: frozen_version(session, task_id)
              for task_id in {p.task_id for p in placements}}
    live: dict[int, list[EmployerLink]] = {}
    ids = list(by_placement)
    for start in range(0, len(ids), 500):
        for old in session.scalars(select(EmployerLink).where(
                EmployerLink.placement_id.in_(ids[start:start + 500]),
                EmployerLink.revoked_at.is_(None))):
            if old.supervisor_id == by_placement[old.placement_id].supervisor_id:
                live.setdefault(old.placement_id, []).append(old)
    created = []
    for placement in placements:
        for old in live.get(placement.id, []):
            old.revoked_at = now
            old.revoked_reason = "replaced by a new link"
            record(session, actor, "link.revoked", registration_id=placement.registration_id,
                   course_id=placement.course_id, placement_id=placement.id, link_id=old.id,
                   reason=old.revoked_reason)
        created.append(EmployerLink(
            jti=secrets.token_urlsafe(18), registration_id=placement.registration_id,
            course_id=placement.course_id, placement_id=placement.id,
            supervisor_id=placement.supervisor_id,
            task_version_id=frozen[placement.task_id].id, issued_by=actor.name[:300],
            issued_at=now,
            expires_at=now + lifetime))
    session.add_all(created)
    session.flush()
    for placement, link in zip(placements, created, strict=True):
        record(session, actor, "link.issued", registration_id=placement.registration_id,
               course_id=placement.course_id, placement_id=placement.id, link_id=link.id,
               supervisor=placement.supervisor.email,
               expires=f"{link.expires_at:%Y-%m-%d %H:%M} UTC", bound_to_email=False)
    return [Issued(link, live.get(placement.id, []))
            for placement, link in zip(placements, created, strict=True)]


def frozen_version(session: Session, task_id: int) -> TaskVersion:
    """The task as the employer will rate it, frozen now if it changed since (flushed)."""
    task = session.get(Task, task_id)
    assert task is not None  # the placement's foreign key
    if task.rubric_id is None:
        raise PartnerError(N_("“%(task)s” has no rubric for an employer to rate; give it one "
                              "first."), task=task.title)
    return versions.freeze(session, task)


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
