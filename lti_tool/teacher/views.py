"""The teacher's pages: thin views over services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection

from competencies.orm import utcnow
from competencies.tasks.library import CourseContext, own_copy_of
from competencies.tasks.model import Task
from competencies.tasks.search import TaskHit
from competencies.tasks.versions import is_in_use
from lti_tool import course_home, course_time
from lti_tool.class_list import class_list
from lti_tool.csrf import once, redrawn_when_expired
from lti_tool.db import db_session
from lti_tool.i18n import refusal_text
from lti_tool.models import Course, Enrollment, User
from lti_tool.page_context import CourseView, PersonView
from lti_tool.placement import (
    LinkOpening,
    PlacementError,
    course_context,
    give_own_copy,
    links_opening,
)
from lti_tool.security import Principal, Role, current_principal, require
from lti_tool.task_view import task_view, vocabulary_labels
from lti_tool.web import error_page

bp = Blueprint("teacher", __name__, url_prefix="/teacher")

TEACHING = (Role.TEACHER, Role.TEACHING_ASSISTANT, Role.ADMIN)


@bp.get("/course/<int:course_id>")
@require(*TEACHING)
def home(course_id: int) -> str:
    return _course_home(course_id)


def _course_home(course_id: int, problems: Sequence[str] = ()) -> str:
    session = db_session()
    course = session.get(Course, course_id) or abort(404)
    principal = current_principal()
    assert principal is not None
    user = session.get(User, principal.user_id) if principal.user_id else None
    # A refused form is redrawn as it was sent: no fetch, which would commit.
    return render_teacher_home(session.connection(), course, user, principal, problems=problems,
                               fetch_class_list=not problems)


_ROLE_COUNTS = (
    select(Enrollment.role, func.count()).where(Enrollment.course_id == bindparam("course_id"))
    .group_by(Enrollment.role)
)


def _zone_refused(problem: str, course_id: int) -> tuple[str, int]:
    """The course home again, its time zone form holding the zone as sent."""
    return _course_home(course_id, [problem]), 422


@bp.post("/course/<int:course_id>/time-zone")
@require(*TEACHING)
@redrawn_when_expired(_zone_refused)
def set_time_zone(course_id: int) -> Any:
    """The course's time zone: every date of its tasks is typed and shown in it."""
    typed = request.form.get("time_zone", "")
    zone = course_time.valid_zone(typed)
    if zone is None:
        return _zone_refused(_zone_refusal(typed), course_id)
    session = db_session()
    course_time.set_zone(session, course_id, zone)
    session.commit()
    return redirect(url_for("teacher.home", course_id=course_id, saved=1), code=303)


def _zone_refusal(typed: str) -> str:
    if not typed.strip():
        return str(gettext("Type or choose a time zone, such as America/Los_Angeles."))
    return str(gettext("“%(zone)s” is not a time zone Worklink knows; choose one from the "
                       "list, such as America/Los_Angeles.", zone=typed.strip()))


def render_teacher_home(conn: Connection, course: Course | CourseView | None,
                        user: User | PersonView | None,
                        principal: Principal, problems: Sequence[str] = (), *,
                        fetch_class_list: bool = False) -> str:
    """The course home; ``problems`` say why its time zone form was refused, and the form then
    shows the zone as it was sent. ``fetch_class_list``: queue a fetch of the platform's class
    list when the one kept is old (a launch's landing draws what is kept, and waits on nothing)."""
    counts: dict[str, int] = {}
    placed: list[course_home.PlacedTask] = []
    added: list[course_home.JustAdded] = []
    templates: list[TaskHit] = []
    listed = None
    if course is not None:
        listed = class_list(conn, course.id, fetch=fetch_class_list)
        counts = {role: n for role, n in conn.execute(_ROLE_COUNTS, {"course_id": course.id})}
        placed = course_home.placed_tasks(db_session(), course.id, len(listed.not_opened))
        added = course_home.added_tasks(db_session(), course.id)
        known = (CourseContext(course.id, principal.deployment_id, principal.registration_id)
                 if principal.deployment_id is not None and principal.course_id == course.id
                 else None)
        templates = course_home.templates(db_session(), course.id, known)
    return render_template("teacher/home.html", course=course, user=user, principal=principal,
                           counts=counts, placed=placed, added=added, templates=templates,
                           problems=problems, form=request.form if problems else {},
                           class_list=listed,
                           saved=request.method == "GET" and bool(request.args.get("saved")),
                           **vocabulary_labels(),
                           next_step=course_home.next_step(placed, utcnow(), added))


@bp.post("/course/<int:course_id>/added/<int:task_id>/forget")
@require(*TEACHING)
def forget_added(course_id: int, task_id: int) -> Any:
    """Take a task the LMS never made an item for off the course home's "added" list."""
    session = db_session()
    course_home.forget_added(session, course_id, task_id)
    session.commit()
    return redirect(url_for("teacher.home", course_id=course_id), code=303)


def render_placement(task: Task, course: CourseView | None, user: PersonView | None,
                     principal: Principal, link_id: int | None = None) -> str:
    """A teacher opening a task's placement: the task as students see it, the way to edit it,
    and the students' submissions for this placement."""
    session = db_session()
    offers: list[LinkOpening] = []
    own_copy = None
    if course is not None and link_id is not None and task.course_id != course.id:
        # A link placed on a shared task as it is (placed before the picker placed copies).
        offers = [o for o in links_opening(session, course.id, task.id) if o.link_id == link_id]
        own_copy = own_copy_of(session, course_context(session, course.id), task)
    return render_template("teacher/placement.html", view=task_view(session, task), course=course,
                           user=user, principal=principal, link_id=link_id,
                           in_use=is_in_use(session, task), offers=offers, own_copy=own_copy)


@bp.post("/course/<int:course_id>/links/<int:link_id>/own-copy")
@require(*TEACHING)
@once
def use_own_copy(course_id: int, link_id: int) -> Any:
    """The placement opens this course's own copy of the shared task it opened."""
    session = db_session()
    try:
        task = give_own_copy(session, course_context(session, course_id), link_id)
    except PlacementError as exc:
        session.rollback()
        return error_page(exc.status, refusal_text(exc))
    return redirect(url_for("teacher.edit_task", course_id=course_id, task_id=task.id,
                            own_copy=1), code=303)
