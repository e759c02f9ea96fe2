"""Mastery as it stands per course, student and competency, kept up to date as evidence arrives."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class CourseMasteryPolicy(Base):
    """How a course turns evidence into mastery: one of Canvas's six methods, and a scale."""

    __tablename__ = "course_mastery_policy"

    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"),
                                           primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    """A :class:`~competencies.mastery.CalculationMethod` value."""
    calculation_int: Mapped[int | None] = mapped_column()
    scale_id: Mapped[int | None] = mapped_column(
        ForeignKey("mastery_scale.id", ondelete="SET NULL"))
    """Null: Worklink's four-level scale (see :mod:`competencies.mastery.standing`)."""


class MasteryStanding(Base):
    """One student's mastery of one competency in one course, from the evidence that counts."""

    __tablename__ = "mastery_standing"
    __table_args__ = (
        UniqueConstraint("course_id", "learner_ref", "item_id"),
        Index("ix_mastery_standing_learner", "learner_ref", "item_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    learner_ref: Mapped[str] = mapped_column(String(255))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    value: Mapped[float | None] = mapped_column()
    """On the course's scale; null when the method has no value yet (n-mastery short of n)."""
    level: Mapped[str | None] = mapped_column(String(200))
    proficient: Mapped[bool] = mapped_column(default=False)
    evidence_count: Mapped[int] = mapped_column(default=0)
    latest_at: Mapped[dt.datetime | None] = mapped_column()
    computed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    tally: Mapped[dict[str, Any] | None] = mapped_column()
    """The running totals the value was computed from, with their basis, so a newer rating
    updates the value without re-reading the older evidence; null: recompute from all of it
    (see :mod:`competencies.mastery.tally`)."""
