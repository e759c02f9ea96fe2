"""A course copied in the LMS keeps its Worklink tasks, alignments and rubrics, never its grades.

Worklink learns of a copy two ways: the Platform Notification Service's
``LtiContextCopyNotice`` (Canvas, D2L, Moodle 5), acted on here at once, and the first launch
in the copy (:mod:`lti_tool.placement`, which reads ``context_id_history`` and signed task
references). Both make the new course's own copy of each task, recorded by
``copied_from_id``, so whichever comes second finds the copy and makes no other. Grades,
evidence, mastery and gradebook columns belong to the old course's rows and are not carried:
the copy's links bind to the copy's own gradebook columns when its first grade is sent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks.library import copy_task
from competencies.tasks.model import Task
from lti_tool.models import Course, Deployment
from lti_tool.placement import course_context


def copy_course_tasks(session: Session, deployment: Deployment, context_id: str, title: str | None,
                      origin_context_ids: list[str]) -> int:
    """Give the course ``context_id`` its copy of every task of the origin courses; commits.
    Returns how many tasks were copied (0 when a launch or an earlier notice did it already)."""
    course = session.scalar(select(Course).where(Course.deployment_id == deployment.id,
                                                 Course.context_id == context_id))
    if course is None:
        course = Course(deployment_id=deployment.id, context_id=context_id, title=title)
        session.add(course)
        session.flush()
    here = course_context(session, course.id)
    # The origin course may sit under another deployment of the same platform registration.
    origins = session.scalars(
        select(Course).join(Deployment, Deployment.id == Course.deployment_id)
        .where(Deployment.registration_id == deployment.registration_id,
               Course.context_id.in_(origin_context_ids), Course.id != course.id)).all()
    copied = 0
    for origin in origins:
        owner = course_context(session, origin.id)
        for task in session.scalars(select(Task).where(Task.course_id == origin.id)
                                    .order_by(Task.id)).all():
            exists = session.scalar(select(Task.id).where(Task.copied_from_id == task.id,
                                                          Task.course_id == course.id))
            if exists is not None:
                continue
            copy = copy_task(session, owner, task.id)
            copy.course_id, copy.deployment_id, copy.registration_id = (
                here.course_id, here.deployment_id, here.registration_id)
            copied += 1
    session.commit()
    return copied
