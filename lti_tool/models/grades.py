"""Grades on their way to the LMS: the outbox of scores and the gradebook column each link uses."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class DeliveryState(enum.StrEnum):
    PENDING = "pending"
    """Waiting for its next attempt (``next_attempt_at``); a failed attempt that will be
    retried is pending again."""
    IN_FLIGHT = "in_flight"
    """Claimed by a worker until ``lease_until``; a worker that died leaves it to expire."""
    DELIVERED = "delivered"
    FAILED = "failed"
    """Parked: the platform's answer says retrying cannot help; ``problem`` says why."""
    SUPERSEDED = "superseded"
    """A newer score for the same task and student replaced it before it was sent."""


def _enum(kind: type[enum.StrEnum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class GradeOutbox(Base):
    """One score to send to one gradebook column for one student, written in the same
    transaction as the final score it carries, so a crash can never lose it."""

    __tablename__ = "grade_outbox"
    __table_args__ = (
        UniqueConstraint("resource_link_id", "user_id", "sequence"),
        Index("ix_grade_outbox_due", "state", "next_attempt_at"),
        Index("ix_grade_outbox_course_state", "course_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    """The platform it goes to: pacing and throttling are per platform."""
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_link.id", ondelete="CASCADE"))
    """The placed task; its gradebook column is the line item."""
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"))
    sequence: Mapped[int] = mapped_column()
    """Counts scores per (link, student): a higher one always wins over a lower one."""
    source: Mapped[str] = mapped_column(String(200))
    """What the score comes from, e.g. ``submission:42/v2``; one source is one LMS submission."""
    state: Mapped[DeliveryState] = mapped_column(_enum(DeliveryState), default=DeliveryState.PENDING)
    score: Mapped[dict[str, Any]] = mapped_column()
    """The AGS score body without ``userId`` (added at sending, from the user row)."""
    score_timestamp: Mapped[dt.datetime] = mapped_column()
    """Whole seconds, strictly increasing per (link, student): Moodle answers 409 to a
    timestamp not newer than the stored grade's, at second resolution."""
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column()
    worker: Mapped[str | None] = mapped_column(String(100))
    """Which worker holds the row while in flight."""
    problem_kind: Mapped[str | None] = mapped_column(String(40))
    """An :class:`~lti_tool.grades.answers.AnswerKind` value of the last unsuccessful attempt."""
    problem: Mapped[str | None] = mapped_column(Text)
    """The last problem in plain English words, with what to do about it (operators, logs)."""
    problem_message: Mapped[dict[str, Any] | None] = mapped_column()
    """The same sentence as a template and its values (``Message.to_json``), so the teacher's
    page shows it in the page's language."""
    platform_status: Mapped[int | None] = mapped_column()
    platform_answer: Mapped[str | None] = mapped_column(Text)
    """The start of the platform's last answer body, kept for the operator."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column()


class LineItemBinding(Base):
    """The LMS gradebook column (AGS line item) a placed task's scores go to."""

    __tablename__ = "grade_line_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_link.id", ondelete="CASCADE"), unique=True)
    """Unique: the row is inserted before a column is created, so two workers never make two."""
    url: Mapped[str | None] = mapped_column(String(1000))
    """The line item's id (its URL); null while one worker is still creating it."""
    label: Mapped[str | None] = mapped_column(String(500))
    score_maximum: Mapped[float | None] = mapped_column()
    """What the LMS says the column is worth; shown beside the rubric's maximum if they differ."""
    created_by_worklink: Mapped[bool] = mapped_column(default=False)
    checked_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
