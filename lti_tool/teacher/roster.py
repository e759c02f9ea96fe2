"""The class roster: everyone the platform lists for the course, and who has opened Worklink.

The page never waits on the platform: it shows the roster fetched last, with when, and queues a
refresh in the background when that is old (or the teacher asks); the first visit, with nothing
fetched yet, shows a page that reloads itself until the roster is there.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from sqlalchemy import select

from lti_tool.class_list import kept_roster
from lti_tool.db import db_work
from lti_tool.lti.roster import (
    NO_SERVICE,
    course_service,
    has_role,
    roster_problem,
    with_worklink_status,
)
from lti_tool.lti.services import lti_services
from lti_tool.models import Course
from lti_tool.page_context import CourseView
from lti_tool.security import require
from lti_tool.teacher.views import TEACHING, bp

ROLE_FILTERS = {"": None, "learners": "Learner", "instructors": "Instructor"}


@bp.get("/course/<int:course_id>/roster")
@require(*TEACHING)
def roster(course_id: int) -> str:
    work = db_work()
    service = course_service(work.connection, course_id) or abort(404)
    shown = request.args.get("role", "")
    wanted = ROLE_FILTERS.get(shown)
    row = work.connection.execute(
        select(Course.title, Course.label).where(Course.id == course_id)).first()
    course = CourseView(course_id, row[0], row[1]) if row else None
    page: dict[str, Any] = {"course_id": course_id, "course": course, "shown": shown if wanted else "",
            "entries": [],
            "launched": 0, "problem": None, "cached": None, "refreshing": False}
    if not service.memberships_url:
        return render_template("teacher/roster.html", **{**page, "problem": NO_SERVICE})
    cached, refreshing = kept_roster(course_id, refresh=request.args.get("refresh") == "1")
    page["problem"] = roster_problem(lti_services().store, course_id)
    if cached is not None:
        members = cached.members
        if wanted:
            members = [m for m in members if has_role(m, wanted)]
        entries = with_worklink_status(work.connection, course_id, members)
        page.update(cached=cached, entries=entries, launched=sum(1 for e in entries if e.launched),
                    refreshing=refreshing)
    return render_template("teacher/roster.html", **page)
