"""Mail waiting to be sent, being retried, sent or failed: what the teacher sees of delivery.

A row holds no message body: the body carries a signed link, so it is rendered (and the link
signed) only when the mail is sent, and nothing at rest in this table grants access.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    """Waiting for its first attempt, or for the next one after a temporary failure."""
    SENT = "sent"
    """The SMTP server accepted it."""
    FAILED = "failed"
    """Refused for good (a bad address) or out of attempts; the teacher sees why."""
    CANCELLED = "cancelled"
    """Its link was revoked or replaced before it went out."""


class OutboundMail(Base):
    __tablename__ = "outbound_mail"
    __table_args__ = (Index("ix_outbound_mail_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"),
                                                  index=True)
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("employer_link.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    """What to render: ``employer_link``."""
    to_address: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(20), default=MailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    """The SMTP server's answer to the last failed attempt, as the teacher sees it."""
    sent_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
