"""The student's pages: thin views over services."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from sqlalchemy.engine import Connection

from competencies.tasks.model import Task
from competencies.tasks.versions import freeze
from lti_tool import course_home
from lti_tool.db import db_session
from lti_tool.models import Course, User
from lti_tool.page_context import CourseView, PersonView
from lti_tool.security import Principal, Role, current_principal, require
from lti_tool.task_view import task_view

bp = Blueprint("student", __name__, url_prefix="/student")


@bp.get("/course/<int:course_id>")
@require(Role.STUDENT)
def home(course_id: int) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    principal = current_principal()
    assert principal is not None
    user = session.get(User, principal.user_id) if principal.user_id else None
    return render_student_home(session.connection(), course, user, principal)


def render_student_home(conn: Connection, course: Course | CourseView | None,
                        user: User | PersonView | None,
                        principal: Principal) -> str:
    placed = course_home.listed_tasks(db_session(), course.id) if course is not None else []
    return render_template("student/home.html", course=course, user=user, principal=principal,
                           placed=placed)


def render_student_task(task: Task, course: CourseView | None, user: PersonView | None) -> str:
    """A placed task for a launch without a course link: what to do and what it builds."""
    session = db_session()
    # First use by a student freezes the task: what their work is scored against stays put
    # even if the teacher edits the task later (a new version is taken then).
    version = freeze(session, task)
    session.commit()
    return render_template("student/task_preview.html", view=task_view(session, task),
                           course=course, user=user, version=version)
