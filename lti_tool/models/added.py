"""Tasks a teacher added to a course from the picker, until a link to each is first opened."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class AddedTask(Base):
    """A task a deep-linking response sent to the course, not yet opened through a link there.

    Deep linking is where Worklink learns which tasks a course just got, but not their links:
    the LMS makes the item after our response and names its resource link only on its first
    launch, and it may never make it (the teacher cancels in the LMS after the picker answered,
    or the LMS drops an item). So this is kept per course and task, as a note for the teacher,
    never as a placement: the students' pages, counts and grades never read it; the first launch
    of a link opening the task clears it (:func:`lti_tool.placement.task_for_launch`); and a
    teacher removes one the LMS never made. Adding the task again only moves ``added_at``.
    """

    __tablename__ = "added_task"
    __table_args__ = (UniqueConstraint("course_id", "task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    task_id: Mapped[int] = mapped_column(ForeignKey("wbl_task.id", ondelete="CASCADE"),
                                         index=True)
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    """When the picker last sent the task to the course's LMS."""
