"""Rubrics shaped like CASE CFRubric: criteria aligned to items, each with scored levels."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.models.item import Item
from competencies.orm import Base

criterion_item = Table(
    "rubric_criterion_item",
    Base.metadata,
    Column("criterion_id", ForeignKey("rubric_criterion.id", ondelete="CASCADE"),
           primary_key=True),
    Column("item_id", ForeignKey("item.id", ondelete="CASCADE"), primary_key=True, index=True),
)
"""Which items a criterion assesses; CASE allows one (``CFItemURI``), a WBL task often more."""


class Rubric(Base):
    __tablename__ = "rubric"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(500), unique=True)
    framework_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework.id", ondelete="CASCADE"), index=True
    )
    """The framework whose package carried the rubric; null for a rubric written in Worklink."""
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(String(2000))
    last_change: Mapped[dt.datetime | None] = mapped_column()

    criteria: Mapped[list[RubricCriterion]] = relationship(
        back_populates="rubric", cascade="all, delete-orphan",
        order_by="RubricCriterion.position",
    )


class RubricCriterion(Base):
    __tablename__ = "rubric_criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(500), unique=True)
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(255))
    item_identifier: Mapped[str | None] = mapped_column(String(500))
    """The CASE ``CFItemURI`` identifier as given, even when that item is not imported."""
    weight: Mapped[float] = mapped_column(default=1.0)
    position: Mapped[int | None] = mapped_column()

    rubric: Mapped[Rubric] = relationship(back_populates="criteria")
    items: Mapped[list[Item]] = relationship(secondary=criterion_item)
    levels: Mapped[list[RubricLevel]] = relationship(
        back_populates="criterion", cascade="all, delete-orphan",
        order_by="RubricLevel.position",
    )


class RubricLevel(Base):
    __tablename__ = "rubric_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(500), unique=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("rubric_criterion.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column()
    quality: Mapped[str | None] = mapped_column(String(255))
    """The column header of a tabular rubric: "Exceeds", "Meets"…"""
    description: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int | None] = mapped_column()

    criterion: Mapped[RubricCriterion] = relationship(back_populates="levels")
