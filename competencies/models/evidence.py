"""Evidence: one rating of one learner against one item, with who rated it and on what."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class RaterType(enum.StrEnum):
    TEACHER = "teacher"
    EMPLOYER = "employer"
    SELF = "self"
    SYSTEM = "system"


class Evidence(Base):
    __tablename__ = "evidence"
    __table_args__ = (Index("ix_evidence_learner_item", "learner_ref", "item_id", "rated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_ref: Mapped[str] = mapped_column(String(255))
    """Who the evidence is about, as the caller names them (a user id as text, an LTI ``sub``).

    Plain text so the domain needs no table of people; the LTI shell owns those."""
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="RESTRICT"), index=True)
    """Restrict: an item with evidence is retired on re-import, never deleted."""
    score: Mapped[float] = mapped_column()
    scale_max: Mapped[float | None] = mapped_column()
    """The top of the scale the score was given on, so scores from different scales compare."""
    scale_id: Mapped[int | None] = mapped_column(
        ForeignKey("mastery_scale.id", ondelete="SET NULL")
    )
    rater_type: Mapped[RaterType] = mapped_column(Enum(RaterType, native_enum=False, length=20))
    rater_ref: Mapped[str | None] = mapped_column(String(255))
    rater_name: Mapped[str | None] = mapped_column(String(255))
    rated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    artifact: Mapped[str | None] = mapped_column(String(2000))
    """What was assessed: a URL or a stored file's reference."""
    source: Mapped[str | None] = mapped_column(String(255))
    """What produced the rating, e.g. ``rubric-criterion:<identifier>``, ``import``."""
    criterion_id: Mapped[int | None] = mapped_column(
        ForeignKey("rubric_criterion.id", ondelete="SET NULL")
    )
    level: Mapped[str | None] = mapped_column(String(200))
    """The rubric level the rater chose, in the rubric's own words (``Developing``): what was
    rated, where ``score`` is only its points; null for imported evidence."""
    task_title: Mapped[str | None] = mapped_column(String(300))
    """The title of the task the work was rated on, as its frozen version had it."""
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    weight: Mapped[float] = mapped_column(default=1.0, server_default="1")
    """The weight of the alignment (criterion or task to this item) the evidence came through."""
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    """The course the rating was made in; null for imported evidence."""
    submission_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    """The submission (version) rated, e.g. ``submission:42/v2``: its final ratings replace
    the evidence an earlier decision on it gave."""
    superseded_at: Mapped[dt.datetime | None] = mapped_column()
    """Set when a moderated change replaced this evidence; superseded evidence never counts."""
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="SET NULL"))
    moderation: Mapped[dict[str, Any] | None] = mapped_column()
    """How a teacher moderated the employer's rating this came from, or null (a teacher's own
    rating, an import): ``{"by", "at", "employer", "employer_level", "reason"}``, the last two
    only when the teacher changed the employer's level (the rater is then the teacher); see
    :class:`competencies.mastery.recording.Moderation`."""

    @property
    def criterion(self) -> str | None:
        """The rubric criterion's name, for evidence from a rubric rating (its ``source``)."""
        prefix = "rubric-criterion:"
        if self.source and self.source.startswith(prefix):
            return self.source.removeprefix(prefix)
        return None
