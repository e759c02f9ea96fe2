"""The course alignment matrix: which standards and competencies the course's WBL covers."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select, union

from competencies.tasks.coverage import course_coverage
from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AlignmentType
from lti_tool.db import db_session
from lti_tool.models import Course, ResourceLink
from lti_tool.security import require
from lti_tool.teacher.views import TEACHING, bp


@bp.get("/course/<int:course_id>/coverage")
@require(*TEACHING)
def coverage(course_id: int) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    # The course's own tasks, and the tasks its placements open (a district or shared task
    # placed here counts for this course too).
    task_ids = list(session.scalars(union(
        select(Task.id).where(Task.course_id == course_id),
        select(ResourceLink.task_id).where(ResourceLink.course_id == course_id,
                                           ResourceLink.task_id.is_not(None)),
    )))
    matrix = course_coverage(session, task_ids)
    return render_template("teacher/coverage.html", course=course, matrix=matrix,
                           labels={a.value: a.value.capitalize() for a in AlignmentType})
