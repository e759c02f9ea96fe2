"""How far students are with a placed task, as far as Worklink sees it without their work."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class TaskOpen(Base):
    """A student opened a placed task (its link in the LMS) at least once."""

    __tablename__ = "task_open"
    __table_args__ = (UniqueConstraint("resource_link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(
        ForeignKey("resource_link.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("lms_user.id", ondelete="CASCADE"),
                                         index=True)
    first_opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
