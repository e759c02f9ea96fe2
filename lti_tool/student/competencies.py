"""The student's "my competencies" page: mastery across all their courses, with the evidence."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from competencies.mastery.portfolio import portfolio
from competencies.mastery.standing import DEFAULT_SCALE
from lti_tool.db import db_session
from lti_tool.models import Course, User
from lti_tool.security import Role, current_principal, require
from lti_tool.student.views import bp


@bp.get("/course/<int:course_id>/competencies")
@require(Role.STUDENT)
def my_competencies(course_id: int) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    principal = current_principal()
    assert principal is not None and principal.user_id is not None
    user = session.get(User, principal.user_id) or abort(404)
    # Only this person's own rows: their user id in this platform is the learner reference.
    entries = portfolio(session, [str(user.id)])
    titles = dict(session.execute(select(Course.id, Course.title).where(
        Course.id.in_({e.course_id for e in entries}))).all()) if entries else {}
    return render_template("student/competencies.html", course=course, user=user,
                           entries=entries, course_titles=titles,
                           top=DEFAULT_SCALE.points_possible)
