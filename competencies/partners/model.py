"""Partner organisations, their supervisors, and placements of students with them.

A partner belongs to a tenant (one platform registration: a district's or school's LMS), and
every course of that tenant sees the same list, so the next teacher finds the employers and
community organisations (CBOs) the last one worked with. A placement belongs to one course.
Ownership is plain ids of the LTI shell's rows, joined by foreign keys named as strings, as in
:mod:`competencies.tasks.model`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.orm import Base, utcnow


class Partner(Base):
    """An employer or community-based organisation that hosts students."""

    __tablename__ = "partner"
    __table_args__ = (Index("ix_partner_registration_name", "registration_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    """The tenant; a partner is never seen from another one."""
    name: Mapped[str] = mapped_column(String(300))
    name_key: Mapped[str] = mapped_column(String(300))
    """The name case-folded with spaces collapsed: what "the same partner" means."""
    kind: Mapped[str] = mapped_column(String(20))
    """A :class:`PartnerKind` value."""
    sector: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    clusters: Mapped[list[str]] = mapped_column(default=list)
    """Career clusters the partner hosts students in."""
    pathways: Mapped[list[str]] = mapped_column(default=list)
    """Career pathways the partner hosts students in."""
    notes: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    """Lower-cased name, sector, clusters and pathways, for word search."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    supervisors: Mapped[list[Supervisor]] = relationship(
        back_populates="partner", order_by="Supervisor.name")


class Supervisor(Base):
    """A person at a partner who supervises students and scores their work by signed link."""

    __tablename__ = "supervisor"
    __table_args__ = (UniqueConstraint("partner_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320))
    """Normalised and lower-cased, so one person is one row."""
    phone: Mapped[str] = mapped_column(String(50), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    """A :class:`Language` value: the language of their emails and of their page."""
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship(back_populates="supervisors")


class Placement(Base):
    """One student placed with a partner and a supervisor for one task of one course."""

    __tablename__ = "wbl_placement"
    __table_args__ = (UniqueConstraint("course_id", "student_id", "task_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"),
                                           index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                            index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"),
                                            index=True)
    supervisor_id: Mapped[int] = mapped_column(ForeignKey("supervisor.id", ondelete="RESTRICT"),
                                               index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("wbl_task.id", ondelete="CASCADE"),
                                         index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    expected_hours: Mapped[float | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    partner: Mapped[Partner] = relationship()
    supervisor: Mapped[Supervisor] = relationship()
