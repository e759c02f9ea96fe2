"""The class roster: everyone the platform lists for the course, and who has opened Worklink."""

from __future__ import annotations

import logging

from flask import abort, render_template, request
from sqlalchemy import select

from lti_tool.config import app_config
from lti_tool.db import db_work
from lti_tool.landing import CourseView
from lti_tool.lti.roster import (
    RosterUnavailable,
    class_roster,
    course_service,
    has_role,
    with_worklink_status,
)
from lti_tool.lti.services import lti_services
from lti_tool.models import Course
from lti_tool.security import require
from lti_tool.teacher.views import TEACHING, bp

log = logging.getLogger(__name__)

ROLE_FILTERS = {"": None, "learners": "Learner", "instructors": "Instructor"}


@bp.get("/course/<int:course_id>/roster")
@require(*TEACHING)
def roster(course_id: int) -> str:
    work = db_work()
    service = course_service(work.connection, course_id) or abort(404)
    shown = request.args.get("role", "")
    wanted = ROLE_FILTERS.get(shown)
    problem = None
    entries = []
    try:
        members = class_roster(work.connection, lti_services().store, lti_services().outbound,
                               service,
                               refresh=request.args.get("refresh") == "1",
                               timeout=app_config().http_timeout_seconds)
    except RosterUnavailable as exc:
        log.warning("roster of course %s unavailable: %s", course_id, exc.message)
        problem = exc.message
    else:
        work.commit()  # keeps the fetched roster (and a new access token) for the next view
        if wanted:
            members = [m for m in members if has_role(m, wanted)]
        entries = with_worklink_status(work.connection, course_id, members)
    row = work.connection.execute(
        select(Course.title, Course.label).where(Course.id == course_id)).first()
    course = CourseView(course_id, row[0], row[1]) if row else None
    return render_template("teacher/roster.html", course_id=course_id, course=course, entries=entries,
                           problem=problem, shown=shown if wanted else "",
                           launched=sum(1 for e in entries if e.launched))
