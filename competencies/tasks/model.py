"""Work-based-learning tasks, their alignments, and the frozen versions submissions point to.

A task's rubric lives in the existing CASE-shaped ``rubric`` tables (criteria aligned to items,
scored levels), one rubric per task and never shared between tasks: copying a task copies its
rubric. Ownership is plain ids of the LTI shell's rows (course, deployment, registration),
joined by foreign keys named as strings so the domain never imports the shell.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.models import Item, Rubric
from competencies.orm import Base, utcnow
from competencies.work.file_policy import FileGroup, ordered


class Task(Base):
    __tablename__ = "wbl_task"
    __table_args__ = (
        Index("ix_wbl_task_deployment_scope", "deployment_id", "scope"),
        Index("ix_wbl_task_registration_scope", "registration_id", "scope"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description_html: Mapped[str] = mapped_column(Text, default="")
    """Sanitised on the way in (:mod:`competencies.tasks.sanitize`); safe to render as is."""
    stage: Mapped[str] = mapped_column(String(30))
    """A :class:`ContinuumStage` value."""
    experience_type: Mapped[str] = mapped_column(String(40))
    """An :class:`ExperienceType` value."""
    experience_other: Mapped[str | None] = mapped_column(String(200))
    """The experience's name when the type is "other"."""
    career_cluster: Mapped[str | None] = mapped_column(String(200))
    pathway: Mapped[str | None] = mapped_column(String(200), index=True)
    expected_hours: Mapped[float | None] = mapped_column()
    asked_artifacts: Mapped[list[str]] = mapped_column(default=list)
    """:class:`AskedArtifact` values: the kinds of artifact the student hands in, in order."""
    file_groups: Mapped[list[str]] = mapped_column(default=lambda: ordered(FileGroup))
    """:class:`FileGroup` values of the files and photos the task accepts (every group unless
    the teacher narrowed it)."""
    file_max_bytes: Mapped[int | None] = mapped_column()
    """The task's own limit per file; null for as large as the instance allows."""
    opens_at: Mapped[dt.datetime | None] = mapped_column()
    due_at: Mapped[dt.datetime | None] = mapped_column()
    employer_scored: Mapped[bool] = mapped_column(default=False)
    """An employer rates the rubric (through a signed link); the teacher moderates it."""
    scope: Mapped[str] = mapped_column(String(20), default="course")
    """A :class:`LibraryScope` value: who besides the owning course sees the task."""
    course_id: Mapped[int | None] = mapped_column(
        ForeignKey("course.id", ondelete="CASCADE"), index=True)
    """The owning course; null only for templates Worklink ships."""
    deployment_id: Mapped[int | None] = mapped_column(
        ForeignKey("deployment.id", ondelete="CASCADE"))
    """The owning course's deployment: the school or district a deployment-scoped task reaches."""
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"))
    """The tenant; a task never crosses it."""
    rubric_id: Mapped[int | None] = mapped_column(ForeignKey("rubric.id", ondelete="SET NULL"))
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("wbl_task.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(default=1)
    """Counts edits to the task, its rubric and its alignments; a frozen version records the
    revision it was taken at, so :func:`freeze` knows whether the draft moved on."""
    search_text: Mapped[str] = mapped_column(Text, default="")
    """Lower-cased title, plain description, cluster, pathway and experience, for word search."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    rubric: Mapped[Rubric | None] = relationship()
    alignments: Mapped[list[TaskAlignment]] = relationship(
        back_populates="task", cascade="all, delete-orphan", order_by="TaskAlignment.position")
    versions: Mapped[list[TaskVersion]] = relationship(
        back_populates="task", order_by="TaskVersion.number")


class TaskAlignment(Base):
    """A standard or competency the task is aligned to, with how and how much."""

    __tablename__ = "wbl_task_alignment"
    __table_args__ = (UniqueConstraint("task_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("wbl_task.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    alignment_type: Mapped[str] = mapped_column(String(20))
    """An :class:`AlignmentType` value."""
    weight: Mapped[float] = mapped_column(default=1.0)
    position: Mapped[int] = mapped_column(default=0)

    task: Mapped[Task] = relationship(back_populates="alignments")
    item: Mapped[Item] = relationship()


class TaskVersion(Base):
    """The task, rubric and alignments as they stood when students started working on it.

    Submissions point here, so editing the task later never changes what they are scored
    against; the snapshot is JSON because it must not follow the live rows.
    """

    __tablename__ = "wbl_task_version"
    __table_args__ = (UniqueConstraint("task_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("wbl_task.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    task_revision: Mapped[int] = mapped_column()
    snapshot: Mapped[dict[str, Any]] = mapped_column()
    max_score: Mapped[float | None] = mapped_column()
    frozen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    task: Mapped[Task] = relationship(back_populates="versions")
