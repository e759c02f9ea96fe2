"""Rubric ratings by employers and teachers, and the final rubric score moderation makes.

A :class:`RubricRating` is one rater's rating of one placement's task, against the task version
frozen when the placement's work began; an employer's stays a draft while they work, then
pending until the teacher moderates it. The :class:`FinalScore` is what counts: one per
student and placed task (:mod:`competencies.scoring.finals`), each criterion recording who
rated it, when, on which artifacts, and (when the teacher changed an employer's level) the
employer's level and the teacher's reason.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.orm import Base, utcnow


class RubricRating(Base):
    __tablename__ = "rubric_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("wbl_placement.id", ondelete="CASCADE"),
                                              index=True)
    task_version_id: Mapped[int] = mapped_column(
        ForeignKey("wbl_task_version.id", ondelete="RESTRICT"))
    """The frozen task (and rubric) the rating is made against."""
    rater_kind: Mapped[str] = mapped_column(String(20))
    """A :class:`RaterKind` value."""
    rater_name: Mapped[str] = mapped_column(String(300))
    rater_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("lms_user.id", ondelete="SET NULL"))
    """The teacher's LMS user; null for an employer, who has no account."""
    supervisor_id: Mapped[int | None] = mapped_column(
        ForeignKey("supervisor.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    """A :class:`RatingStatus` value."""
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    signature: Mapped[str] = mapped_column(String(300), default="")
    """The name the employer typed to sign the rating."""
    return_note: Mapped[str] = mapped_column(Text, default="")
    """The teacher's note when sending a rating back to the employer."""
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    criteria: Mapped[list[CriterionRating]] = relationship(
        back_populates="rating", cascade="all, delete-orphan", order_by="CriterionRating.id")


class CriterionRating(Base):
    __tablename__ = "rubric_rating_criterion"
    __table_args__ = (UniqueConstraint("rating_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("rubric_rating.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(300))
    """The criterion's name in the frozen rubric."""
    level: Mapped[str | None] = mapped_column(String(200))
    """The chosen level's label; null when not observed."""
    not_observed: Mapped[bool] = mapped_column(default=False)
    comment: Mapped[str] = mapped_column(Text, default="")
    rated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    rating: Mapped[RubricRating] = relationship(back_populates="criteria")


class FinalScore(Base):
    """The student's final rubric score on a placed task: what the grade and competency
    evidence come from. Keyed by the placement or by the submission, never both: the one it was
    made with (see :mod:`competencies.scoring.finals`)."""

    __tablename__ = "final_rubric_score"
    __table_args__ = (CheckConstraint("(placement_id IS NULL) <> (submission_id IS NULL)",
                                      name="one_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("wbl_placement.id", ondelete="CASCADE"), unique=True)
    """Set when the score was first decided for a placement (an employer's rating, moderated,
    or the teacher scoring the placement)."""
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_submission.id", ondelete="CASCADE"), unique=True)
    """Set when the teacher first scored what the student handed in, with no placement."""
    task_version_id: Mapped[int] = mapped_column(
        ForeignKey("wbl_task_version.id", ondelete="RESTRICT"))
    given: Mapped[float] = mapped_column()
    maximum: Mapped[float] = mapped_column()
    """Over the criteria observed: one "not observed" lowers the maximum, not the score."""
    source_rating_id: Mapped[int | None] = mapped_column(
        ForeignKey("rubric_rating.id", ondelete="SET NULL"))
    decided_by: Mapped[str] = mapped_column(String(300))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    criteria: Mapped[list[FinalCriterion]] = relationship(
        back_populates="final", cascade="all, delete-orphan", order_by="FinalCriterion.id")

    @property
    def work_ref(self) -> str:
        """What its gradebook score and its evidence are filed under: a later decision on the
        same work replaces exactly what this one gave."""
        if self.placement_id is not None:
            return f"placement:{self.placement_id}"
        return f"submission:{self.submission_id}"


class FinalCriterion(Base):
    __tablename__ = "final_rubric_criterion"
    __table_args__ = (UniqueConstraint("final_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    final_id: Mapped[int] = mapped_column(
        ForeignKey("final_rubric_score.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(300))
    level: Mapped[str | None] = mapped_column(String(200))
    points: Mapped[float | None] = mapped_column()
    not_observed: Mapped[bool] = mapped_column(default=False)
    rater_kind: Mapped[str] = mapped_column(String(20))
    """Who rated this criterion as it stands: the employer, or the teacher who adjusted it."""
    rater_name: Mapped[str] = mapped_column(String(300))
    rated_at: Mapped[dt.datetime] = mapped_column()
    artifact_ids: Mapped[list[str]] = mapped_column(default=list)
    """The artifacts the rating was made on (ids of the student's submission, as text)."""
    employer_level: Mapped[str | None] = mapped_column(String(200))
    """The employer's level when the teacher changed it; kept beside the final one."""
    reason: Mapped[str] = mapped_column(Text, default="")
    """The teacher's reason for changing the employer's level."""
    comment: Mapped[str] = mapped_column(Text, default="")

    final: Mapped[FinalScore] = relationship(back_populates="criteria")


class ScoringPolicy(Base):
    """How a task's employer ratings are moderated."""

    __tablename__ = "task_scoring_policy"

    task_id: Mapped[int] = mapped_column(ForeignKey("wbl_task.id", ondelete="CASCADE"),
                                         primary_key=True)
    accept_employer_ratings: Mapped[bool] = mapped_column(default=False)
    """Employer ratings become final as they come, without the teacher's review."""
    comment_required_for_lowest: Mapped[bool] = mapped_column(default=False)
    """A rater choosing a criterion's lowest level must say why."""

    def copied_for(self, task_id: int) -> ScoringPolicy:
        """The same policy for a copy of the task: every setting, whatever is added later."""
        settings = {column.key: getattr(self, column.key)
                    for column in inspect(ScoringPolicy).column_attrs if column.key != "task_id"}
        return ScoringPolicy(task_id=task_id, **settings)
