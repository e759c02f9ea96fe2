"""Who launched, from which course: users, courses, enrollments and resource links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.orm import Base, utcnow


class User(Base):
    """A person as one platform knows them; ``sub`` is stable per registration, never an email."""

    __tablename__ = "lms_user"
    __table_args__ = (UniqueConstraint("registration_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    sub: Mapped[str] = mapped_column(String(255))
    """The platform's opaque user id (the id_token ``sub``)."""
    name: Mapped[str | None] = mapped_column(String(300))
    given_name: Mapped[str | None] = mapped_column(String(200))
    family_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_launch_at: Mapped[dt.datetime | None] = mapped_column()
    launch_locale: Mapped[str | None] = mapped_column(String(35))
    """The locale the platform sent with this person's last launch (``launch_presentation.locale``)."""
    locale: Mapped[str | None] = mapped_column(String(35))
    """The language this person chose with Worklink's switch; it wins over ``launch_locale``."""

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.name or full or self.email or "Anonymous user"


class Course(Base):
    """An LMS course (the LTI ``context``) as seen through one deployment."""

    __tablename__ = "course"
    __table_args__ = (UniqueConstraint("deployment_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"), index=True
    )
    context_id: Mapped[str] = mapped_column(String(255))
    """The platform's context id; a course copied to a new term gets a new one."""
    title: Mapped[str | None] = mapped_column(String(500))
    label: Mapped[str | None] = mapped_column(String(200))
    memberships_url: Mapped[str | None] = mapped_column(String(1000))
    """NRPS context memberships URL from the last launch."""
    lineitems_url: Mapped[str | None] = mapped_column(String(1000))
    """AGS line items URL from the last launch."""
    time_zone: Mapped[str | None] = mapped_column(String(64))
    """The IANA zone the course's dates are typed and shown in, as a teacher set it (or as the
    first teacher's browser said); see :mod:`lti_tool.course_time`."""
    platform_time_zone: Mapped[str | None] = mapped_column(String(64))
    """The zone the platform sent with a teacher's last launch (Canvas: ``$Person.address.timezone``)."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enrollments: Mapped[list[Enrollment]] = relationship(back_populates="course")


class Enrollment(Base):
    __tablename__ = "enrollment"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    lti_roles: Mapped[list[str]] = mapped_column()
    """The role URIs exactly as the platform sent them."""
    role: Mapped[str] = mapped_column(String(30))
    """The Worklink role derived from ``lti_roles`` (see :mod:`lti_tool.lti.roles`)."""
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    course: Mapped[Course] = relationship(back_populates="enrollments")
    user: Mapped[User] = relationship()


class ResourceLink(Base):
    """One placement of Worklink in a course (an assignment or a module link)."""

    __tablename__ = "resource_link"
    __table_args__ = (UniqueConstraint("course_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    resource_link_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    custom: Mapped[dict[str, Any]] = mapped_column(default=dict)
    lineitem_url: Mapped[str | None] = mapped_column(String(1000))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("wbl_task.id", ondelete="SET NULL"))
    """The WBL task this placement opens, learned from its signed custom parameters on first
    launch; used when a platform stops sending them."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
