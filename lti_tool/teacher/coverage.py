"""The course's coverage: which standards and competencies its work-based learning covers."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from competencies.coverage.course import course_coverage
from lti_tool.db import db_session
from lti_tool.models import Course, ResourceLink
from lti_tool.security import require
from lti_tool.task_view import vocabulary_labels
from lti_tool.teacher.views import TEACHING, bp

GAPS = "gaps"
"""``?show=gaps``: only the items no task covers (a link, so it works without JavaScript)."""


@bp.get("/course/<int:course_id>/coverage")
@require(*TEACHING)
def coverage(course_id: int) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    # Only what students meet: the tasks the course's placements open (its own, a district's
    # or a shared one). A task written in the library but never placed covers nothing yet.
    task_ids = [task_id for task_id in session.scalars(
        select(ResourceLink.task_id).distinct().where(ResourceLink.course_id == course_id,
                                                      ResourceLink.task_id.is_not(None)))
        if task_id is not None]
    matrix = course_coverage(session, task_ids)
    return render_template("teacher/coverage.html", course=course, matrix=matrix,
                           only_gaps=request.args.get("show") == GAPS,
                           labels=vocabulary_labels()["alignment_labels"])
