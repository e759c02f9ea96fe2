"""Where a launch lands: each audience's home page, rendered in the launch response itself.

Rendering here, rather than redirecting, saves the browser a round trip inside the iframe and
keeps working when the browser refuses our cookie (the page carries the session token). The
page is drawn from the launch itself: what the platform just said is the freshest truth, and
reading it back from the database would only cost time.
"""

from __future__ import annotations

import dataclasses

from flask import render_template
from sqlalchemy.engine import Connection

from lti_tool.lti.launch import Launch
from lti_tool.lti.provisioning import Provisioned
from lti_tool.security import Principal, Role


@dataclasses.dataclass(frozen=True)
class CourseView:
    id: int
    title: str | None
    label: str | None


@dataclasses.dataclass(frozen=True)
class PersonView:
    id: int | None
    name: str | None
    given_name: str | None
    family_name: str | None
    email: str | None

    @property
    def display_name(self) -> str:
        full = " ".join(p for p in (self.given_name, self.family_name) if p)
        return self.name or full or self.email or "Anonymous user"


def render_landing(conn: Connection, launch: Launch, principal: Principal,
                   provisioned: Provisioned) -> str:
    from lti_tool.student.views import render_student_home
    from lti_tool.teacher.views import render_deep_linking, render_teacher_home

    course = None
    if provisioned.course_id is not None and launch.context is not None:
        course = CourseView(provisioned.course_id, launch.context.title, launch.context.label)
    user = None
    if provisioned.user_id is not None:
        user = PersonView(provisioned.user_id, launch.name, launch.given_name, launch.family_name,
                          launch.email)
    if launch.is_deep_linking and principal.is_staff:
        return render_deep_linking(course, user, launch)
    if principal.is_staff:
        return render_teacher_home(conn, course, user, principal)
    if principal.role is Role.STUDENT:
        return render_student_home(conn, course, user, principal)
    return render_template("guest_home.html", course=course, user=user, launch=launch)
