"""Mastery scales: the levels a rating can reach, which of them count as proficient."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.orm import Base


class MasteryScale(Base):
    __tablename__ = "mastery_scale"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework.id", ondelete="CASCADE"), index=True
    )
    """The framework that shipped this scale; null for a scale a school defines itself."""

    levels: Mapped[list[ScaleLevel]] = relationship(
        back_populates="scale", cascade="all, delete-orphan", order_by="ScaleLevel.position"
    )


class ScaleLevel(Base):
    __tablename__ = "scale_level"
    __table_args__ = (CheckConstraint("length(color) = 6", name="color_six_hex"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scale_id: Mapped[int] = mapped_column(
        ForeignKey("mastery_scale.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    label: Mapped[str] = mapped_column(String(200))
    points: Mapped[float] = mapped_column()
    proficient: Mapped[bool] = mapped_column(default=False)
    """Canvas's mastery flag and Moodle's "proficient" scale item, in one."""
    color: Mapped[str | None] = mapped_column(String(6))
    """Six hex digits without ``#``, as Canvas mastery scales carry them."""

    scale: Mapped[MasteryScale] = relationship(back_populates="levels")
