"""Submissions, their versions, the artifacts in them, and what students say about a placement.

A :class:`Submission` is one student's work on one placed task (a ``resource_link``), pointing at
the task version frozen when they started. Submitting freezes a :class:`SubmissionVersion`;
returning it for revision opens the next one. Artifacts are never copied between versions: each
artifact records the version it was added in and, once replaced or removed, the version where it
stopped counting, so every submitted version can be shown exactly as it was handed in and no
handed-in artifact is ever overwritten. Ownership is plain ids of the LTI shell's rows, joined by
foreign keys named as strings, as in :mod:`competencies.tasks.model`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.orm import Base, utcnow


class PlacedTaskWork(Base):
    """How one placed task takes work: open or closed, and the teacher's reflection prompts."""

    __tablename__ = "placed_task_work"

    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_link.id", ondelete="CASCADE"), primary_key=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column()
    """Set when the teacher closed the task: no student can change their work any more."""
    reflection_prompts: Mapped[list[str]] = mapped_column(default=list)
    """Questions shown above the reflection editor, in the teacher's words (plain text)."""
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Submission(Base):
    __tablename__ = "work_submission"
    __table_args__ = (UniqueConstraint("resource_link_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_link.id", ondelete="CASCADE"))
    """The placed task (the LMS's assignment or module link) the work is for."""
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                            index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("wbl_task.id", ondelete="CASCADE"))
    task_version_id: Mapped[int] = mapped_column(
        ForeignKey("wbl_task_version.id", ondelete="RESTRICT"))
    """The frozen task the work answers and is scored against; never moves afterwards."""
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("wbl_placement.id", ondelete="SET NULL"))
    """The student's placement for this task, when they have one: the employer scores by it."""
    state: Mapped[str] = mapped_column(String(20), default="draft")
    """A :class:`SubmissionState` value."""
    current_number: Mapped[int] = mapped_column(default=1)
    """The number of the latest version: the draft being written, or the last one handed in."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[SubmissionVersion]] = relationship(
        back_populates="submission", order_by="SubmissionVersion.number",
        cascade="all, delete-orphan")


class SubmissionVersion(Base):
    """One round of the work: written as a draft, then handed in (and perhaps returned)."""

    __tablename__ = "work_submission_version"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("work_submission.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    submitted_at: Mapped[dt.datetime | None] = mapped_column()
    late: Mapped[bool] = mapped_column(default=False)
    """Handed in after the task's due date (shown, never refused)."""
    returned_at: Mapped[dt.datetime | None] = mapped_column()
    returned_by: Mapped[str] = mapped_column(String(300), default="")
    return_comment: Mapped[str] = mapped_column(Text, default="")
    """The teacher's comment when returning the version for revision; the student reads it."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="versions")


class Artifact(Base):
    """One thing a student handed in: a file, a link, a reflection, an hours entry, a sign-off.

    Present in version ``v`` when ``first_version <= v`` and (``replaced_in`` is null or
    ``v < replaced_in``). Only an artifact added in the draft being written may change in place;
    one handed in before is replaced, never overwritten.
    """

    __tablename__ = "artifact"
    __table_args__ = (Index("ix_artifact_submission_kind", "submission_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("work_submission.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    """An :class:`ArtifactKind` value."""
    first_version: Mapped[int] = mapped_column()
    replaced_in: Mapped[int | None] = mapped_column()
    """The version from which this artifact no longer counts (removed or replaced); null: current."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    # A file (kind "file"): what the shell stored, see competencies.work.stored_file.
    file_key: Mapped[str | None] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column()
    media_type: Mapped[str | None] = mapped_column(String(200))
    filename: Mapped[str | None] = mapped_column(String(300))
    thumbnail_key: Mapped[str | None] = mapped_column(String(500))

    # A link (kind "link"): http or https only.
    url: Mapped[str | None] = mapped_column(String(2000))
    title: Mapped[str | None] = mapped_column(String(300))

    # A reflection (kind "reflection"): sanitised rich text, safe to render as is.
    body_html: Mapped[str | None] = mapped_column(Text)

    # An hours entry (kind "hours").
    work_date: Mapped[dt.date | None] = mapped_column(Date)
    starts_at: Mapped[dt.time | None] = mapped_column(Time)
    ends_at: Mapped[dt.time | None] = mapped_column(Time)
    hours: Mapped[float | None] = mapped_column()
    activity: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(30))
    """A :class:`~competencies.tasks.vocabulary.ContinuumStage` value."""
    site: Mapped[str | None] = mapped_column(String(300))
    """The site's name only: never an address, since the log may be shown beyond the school."""
    confirmation: Mapped[str | None] = mapped_column(String(20))
    """A :class:`HoursConfirmation` value; once confirmed, the student can no longer change it."""

    # The supervisor's review: of an hours entry (confirmed or disputed), or a sign-off.
    reviewed_by: Mapped[str | None] = mapped_column(String(300))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column()
    review_note: Mapped[str | None] = mapped_column(Text)

    def in_version(self, number: int) -> bool:
        return self.first_version <= number and (self.replaced_in is None
                                                 or number < self.replaced_in)


class ExperienceSurvey(Base):
    """What the student said about the experience when handing in a version (student voice)."""

    __tablename__ = "experience_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("work_submission_version.id", ondelete="CASCADE"), unique=True)
    learned: Mapped[str] = mapped_column(Text, default="")
    would_change: Mapped[str] = mapped_column(Text, default="")
    recommend: Mapped[str | None] = mapped_column(String(10))
    """A :class:`Recommendation` value."""
    rating_experience: Mapped[int | None] = mapped_column()
    """1–5: how good the experience was overall."""
    rating_learning: Mapped[int | None] = mapped_column()
    """1–5: how much the student learned."""
    rating_support: Mapped[int | None] = mapped_column()
    """1–5: how well the workplace supported them."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CareerInterest(Base):
    """The career pathway a student says they are interested in, as they last declared it."""

    __tablename__ = "career_interest"

    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                         primary_key=True)
    cluster: Mapped[str | None] = mapped_column(String(200))
    pathway: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ReleasedFile(Base):
    """Stored bytes no artifact needs any more: a file (or its thumbnail) taken out of the draft
    it was only ever part of. Recorded in the transaction that deletes the artifact, so the
    bytes go only once that commits; the shell's purge job deletes them from the store and then
    this row. A file handed in with any version is never released."""

    __tablename__ = "released_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(500))
    """The store's key (:class:`competencies.ports.ArtifactStore`)."""
    released_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
