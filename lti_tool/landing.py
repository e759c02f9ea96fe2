"""Where a launch lands: each audience's home page, rendered in the launch response itself.

Rendering here, rather than redirecting, saves the browser a round trip inside the iframe and
keeps working when the browser refuses our cookie (the page carries the session token). The
page is drawn from the launch itself: what the platform just said is the freshest truth, and
reading it back from the database would only cost time.
"""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext
from sqlalchemy.engine import Connection

from competencies.work.submissions import PlacedTask
from lti_tool.course_home import record_open
from lti_tool.db import db_session
from lti_tool.i18n import refusal_text
from lti_tool.lti.custom_params import TASK
from lti_tool.lti.launch import Launch
from lti_tool.lti.launched import Launched
from lti_tool.lti.provisioning import Provisioned
from lti_tool.lti.services import lti_services
from lti_tool.page_context import CourseView, PersonView
from lti_tool.placement import PlacementError, task_for_launch
from lti_tool.security import Role
from lti_tool.web import error_page


def render_landing(conn: Connection, launched: Launched) -> tuple[str, int]:
    """The page for this launch, after the launch's writes are committed."""
    launch, principal, provisioned = launched.launch, launched.principal, launched.provisioned
    from lti_tool.student.views import render_student_home, render_student_task
    from lti_tool.student.work import render_student_task_page
    from lti_tool.teacher.picker import render_picker
    from lti_tool.teacher.views import render_placement, render_teacher_home

    course = None
    if provisioned.course_id is not None and launch.context is not None:
        course = CourseView(provisioned.course_id, launch.context.title, launch.context.label)
    user = None
    if provisioned.user_id is not None:
        user = PersonView(provisioned.user_id, launch.name, launch.given_name, launch.family_name,
                          launch.email)
    if launch.is_deep_linking:
        if principal.is_staff and course is not None:
            return render_picker(course, user, launch), 200
        return error_page(403, gettext("Only the course's teachers can add Worklink tasks to it."))
    if _may_open_a_task(launch, provisioned):
        try:
            task = task_for_launch(db_session(), launch, provisioned.resource_link_pk,
                                   provisioned.course_id)
        except PlacementError as exc:
            return error_page(exc.status, refusal_text(exc))
        if task is not None and task.id != provisioned.link_task_id:
            # The link now remembers a task this worker's provisioning memory does not know.
            lti_services().provisioning.forget()
        if task is not None:
            if principal.is_staff:
                return render_placement(task, course, user, principal,
                                        provisioned.resource_link_pk), 200
            if principal.role is Role.STUDENT:
                record_open(db_session(), provisioned.resource_link_pk, provisioned.user_id)
                if course is not None and user is not None and user.id is not None \
                        and provisioned.resource_link_pk is not None:
                    return render_student_task_page(
                        PlacedTask(provisioned.resource_link_pk, course.id, task), course, user,
                        user.id), 200
                return render_student_task(task, course, user), 200
    if principal.is_staff:
        return render_teacher_home(conn, course, user, principal), 200
    if principal.role is Role.STUDENT:
        return render_student_home(conn, course, user, principal), 200
    return render_template("guest_home.html", course=course, user=user, launch=launch), 200


def _may_open_a_task(launch: Launch, provisioned: Provisioned) -> bool:
    # The signed custom parameter names a task; or, for platforms that drop custom parameters,
    # the link remembers one (the provisioning upsert read it back: no query here).
    return provisioned.resource_link_pk is not None and (
        TASK in launch.custom or provisioned.link_task_id is not None)
