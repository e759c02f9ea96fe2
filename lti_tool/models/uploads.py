"""Resumable uploads in progress (tus), and what became of them once complete."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class Upload(Base):
    """One file on its way in: created with its length, filled by PATCHes, then checked and kept.

    The partial bytes are a file in the instance folder (``uploads/<id>.part``) until the last
    PATCH; only then is the content sniffed, a photo stripped of its metadata, and the result
    written to the artifact store. The row stays until it expires, so a client that asks where
    it stands (HEAD) after completing hears the truth.
    """

    __tablename__ = "upload"
    __table_args__ = (Index("ix_upload_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """Random; the upload's URL names it. Not a credential: every request also needs the
    uploader's session."""
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("work_submission.id", ondelete="CASCADE"), index=True)
    """The work the file is for (the student's submission of a placed task)."""
    filename: Mapped[str] = mapped_column(String(300))
    """The student's name for the file, cleaned (no folders, no control characters)."""
    declared_type: Mapped[str] = mapped_column(String(200), default="")
    """What the device said the type was; checked before the upload, never trusted after."""
    length: Mapped[int] = mapped_column(BigInteger)
    received: Mapped[int] = mapped_column(BigInteger, default=0)
    """Bytes in the part file after the last PATCH (the part file's size is the truth)."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    """An unfinished upload untouched until then is purged with its bytes."""
    completed_at: Mapped[dt.datetime | None] = mapped_column()
    refused: Mapped[str | None] = mapped_column(String(40))
    """Why the content was not kept (a :class:`~competencies.work.file_policy.Refusal` code)."""
    file_key: Mapped[str | None] = mapped_column(String(200))
    """The stored file's key once complete and accepted."""
    media_type: Mapped[str | None] = mapped_column(String(200))
    """The type the content turned out to be."""
