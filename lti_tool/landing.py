"""Where a launch lands: each audience's home page, rendered in the launch response itself.

Rendering here, rather than redirecting, saves the browser a round trip inside the iframe and
keeps working when the browser refuses our cookie (the page carries the session token).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti_tool.lti.launch import Launch
from lti_tool.lti.provisioning import Provisioned
from lti_tool.models import Course, User
from lti_tool.security import Principal, Role


def render_landing(session: Session, launch: Launch, principal: Principal,
                   provisioned: Provisioned) -> str:
    from lti_tool.student.views import render_student_home
    from lti_tool.teacher.views import render_deep_linking, render_teacher_home

    course = session.get(Course, provisioned.course_id) if provisioned.course_id else None
    user = session.get(User, provisioned.user_id) if provisioned.user_id else None
    if launch.is_deep_linking and principal.is_staff:
        return render_deep_linking(course, user, launch)
    if principal.is_staff:
        return render_teacher_home(session, course, user, principal)
    if principal.role is Role.STUDENT:
        return render_student_home(session, course, user, principal)
    return render_guest(course, user, launch)


def render_guest(course: Course | None, user: User | None, launch: Launch) -> str:
    from flask import render_template

    return render_template("guest_home.html", course=course, user=user, launch=launch)
