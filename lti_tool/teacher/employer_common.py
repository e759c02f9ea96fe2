"""What the teacher's partner, placement, link and moderation pages share."""

from __future__ import annotations

from flask import abort, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.placements import Roster
from competencies.tasks.library import CourseContext
from lti_tool.models import Course, Deployment, Enrollment, User
from lti_tool.security import Role, current_principal


def course_context(session: Session, course_id: int) -> tuple[Course, CourseContext]:
    course = session.get(Course, course_id) or abort(404)
    deployment = session.get(Deployment, course.deployment_id) or abort(404)
    return course, CourseContext(course_id=course.id, deployment_id=deployment.id,
                                 registration_id=deployment.registration_id)


def teacher_actor(session: Session) -> Actor:
    """The signed-in teacher, named as the audit log and the employer's email show them."""
    principal = current_principal()
    assert principal is not None
    user = session.get(User, principal.user_id) if principal.user_id else None
    return Actor("teacher", user.display_name if user else "A teacher",
                 user_id=user.id if user else None, address=request.remote_addr)


def roster(session: Session, course_id: int) -> Roster:
    """The course's students who have launched Worklink: by email and by LMS user id."""
    found: dict[str, int] = {}
    for user in session.scalars(select(User).join(Enrollment, Enrollment.user_id == User.id)
                                .where(Enrollment.course_id == course_id,
                                       Enrollment.role == Role.STUDENT.value)):
        found[user.sub.casefold()] = user.id
        if user.email:
            found[user.email.casefold()] = user.id
    return found


def students(session: Session, course_id: int) -> list[User]:
    return list(session.scalars(
        select(User).join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == course_id, Enrollment.role == Role.STUDENT.value)
        .order_by(User.family_name, User.name)))
