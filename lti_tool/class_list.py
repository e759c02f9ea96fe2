"""Whom the teacher's counts cover: the students who have opened Worklink in the course, and the
students on the course platform's class list who have not.

A student becomes known to Worklink by launching it; the platform's Names and Roles service
(:mod:`lti_tool.lti.roster`) lists the rest. The list is fetched by a background job and kept
(:mod:`lti_tool.jobs.roster_refresh`): the pages read what was kept and say when it was fetched,
and a page that may wait on nothing (the launch's own landing) never queues a fetch. Where the
platform offers no list, or none was fetched yet, the counts cover the students who have opened
Worklink, and the pages say so.

Only the course's own list is read (it is kept per course), only its students (active in the
course) are counted, and the teacher's pages show their names, nothing more.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from lti_tool.db import db_work
from lti_tool.jobs import jobs
from lti_tool.jobs.roster_refresh import claim_refresh
from lti_tool.lti.roster import CachedRoster, Member, cached_roster, students_not_opened
from lti_tool.lti.services import lti_services
from lti_tool.models import Course


@dataclasses.dataclass(frozen=True)
class ClassList:
    offered: bool
    """The platform offers the course's class list (its launches name a Names and Roles URL)."""
    fetched_at: dt.datetime | None
    """When the list was fetched; ``None``: Worklink has none, and counts only who opened it."""
    not_opened: list[Member] = dataclasses.field(default_factory=list)
    """The list's students who have never opened Worklink in this course, by name."""

    @property
    def known(self) -> bool:
        return self.fetched_at is not None


def kept_roster(course_id: int, *, refresh: bool = False) -> tuple[CachedRoster | None, bool]:
    """The class list fetched last, and whether a newer one is on its way: a fetch is queued when
    the list is old or missing, or ``refresh`` asks for one (the caller knows the platform
    offers the list). The caller's unit of work is committed: call before writing anything."""
    store = lti_services().store
    cached = cached_roster(store, course_id)
    if not (refresh or cached is None or cached.is_stale()):
        return cached, False
    if claim_refresh(store, course_id):
        work = db_work()
        work.commit()  # the claim is visible to the job before it runs
        jobs().refresh_roster(course_id)
        work.commit()  # what an immediate job kept (the test suite's mode)
        cached = cached_roster(store, course_id)
    return cached, cached is None or cached.is_stale()


_OFFERED = select(Course.memberships_url).where(Course.id == bindparam("course_id"))


def class_list(conn: Connection, course_id: int, *, fetch: bool) -> ClassList:
    """The course's class list as the teacher's counts use it; ``fetch``: queue a fetch of the
    list when it is old or missing (never from a launch's landing page)."""
    offered = bool(conn.execute(_OFFERED, {"course_id": course_id}).scalar())
    if offered and fetch:
        cached, _ = kept_roster(course_id)
    else:
        # A list fetched before the platform stopped offering it is still the course's list.
        cached = cached_roster(lti_services().store, course_id)
    if cached is None:
        return ClassList(offered, None)
    return ClassList(offered, cached.fetched_at_utc,
                     students_not_opened(conn, course_id, cached.members))
