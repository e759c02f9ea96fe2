"""The teacher's grade sync page: where each student's grade stands on its way to the LMS."""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from werkzeug.wrappers import Response

from lti_tool.db import db_session
from lti_tool.grades import outbox
from lti_tool.grades.status import course_of, course_sync
from lti_tool.models import Course
from lti_tool.security import require
from lti_tool.teacher.views import TEACHING, bp


@bp.get("/course/<int:course_id>/grades")
@require(*TEACHING)
def grade_sync(course_id: int) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    return render_template("teacher/grades.html", course=course,
                           sync=course_sync(session, course_id))


@bp.post("/course/<int:course_id>/grades/<int:row_id>/send-again")
@require(*TEACHING)
def send_grade_again(course_id: int, row_id: int) -> Response:
    session = db_session()
    if course_of(session, row_id) != course_id:
        abort(404)  # another course's grade: not this teacher's to touch
    try:
        outbox.send_again(session, row_id)
    except ValueError:
        pass  # already waiting or delivered: the page shows where it stands
    return redirect(url_for("teacher.grade_sync", course_id=course_id), 303)
