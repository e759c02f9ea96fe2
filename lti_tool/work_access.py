"""Who may touch which submission, for every page that shows or changes a student's work.

The student's pages and the file routes call these, so "another student's submission id in a
URL" is answered the same way everywhere: 404, as if there were no such submission.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from competencies.work import submissions
from competencies.work.model import Submission
from competencies.work.submissions import PlacedTask, SubmissionNotFound, Viewer
from lti_tool.models import ResourceLink
from lti_tool.security import Principal, Role


def viewer_of(principal: Principal) -> Viewer:
    return Viewer(principal.user_id, principal.course_id, principal.is_staff)


def placed_task(session: Session, course_id: int, link_id: int) -> PlacedTask:
    """The task placed by resource link ``link_id`` of the course; 404 for any other link."""
    row = session.execute(select(ResourceLink, Task).join(Task, ResourceLink.task_id == Task.id)
                          .where(ResourceLink.id == link_id,
                                 ResourceLink.course_id == course_id)).first()
    if row is None:
        abort(404)
    link, task = row
    return PlacedTask(link.id, link.course_id, task)


def own_submission(session: Session, principal: Principal, submission_id: int) -> Submission:
    """The student's own submission in the course they launched from; 404 for anyone else's."""
    if principal.role is not Role.STUDENT or principal.user_id is None:
        abort(404)
    try:
        submission = submissions.student_submission(session, submission_id, principal.user_id)
    except SubmissionNotFound:
        abort(404)
    if submission.course_id != principal.course_id:
        abort(404)
    return submission


def staff_submission(session: Session, principal: Principal, submission_id: int) -> Submission:
    """A submission of the course the teacher launched from; 404 for any other course's."""
    if not principal.is_staff or principal.course_id is None:
        abort(404)
    try:
        return submissions.course_submission(session, submission_id, principal.course_id)
    except SubmissionNotFound:
        abort(404)
