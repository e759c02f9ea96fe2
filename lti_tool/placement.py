"""Which WBL task a placement (an LTI resource link) opens.

The deep-linking response put a signed task reference into the link's custom parameters, and
the platform sends them back on every launch; that is asked first. The link row remembers the
task it resolved to, for platforms that stop sending custom parameters. A course copied to a
new term keeps its links, custom parameters and all, under a new context id: the first launch
there gives the new course its own copy of the task, so the two terms never share a rubric.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.messages import N_, Message, Refused
from competencies.tasks.library import CourseContext, copy_task
from competencies.tasks.model import Task
from lti_tool.lti.custom_params import TamperedTaskReference, read_task_reference
from lti_tool.lti.launch import Launch
from lti_tool.models import Course, Deployment, ResourceLink


class PlacementError(Refused):
    """The link names a task Worklink will not open, with words for the person who launched
    (pages show them with ``refusal_text``)."""

    def __init__(self, message: str | tuple[Message, ...], status: int = 403) -> None:
        super().__init__(message)
        self.status = status


def course_context(session: Session, course_id: int) -> CourseContext:
    course = session.get(Course, course_id)
    if course is None:
        raise PlacementError(N_("This course is not known to Worklink."), 404)
    deployment = session.get(Deployment, course.deployment_id)
    assert deployment is not None
    return CourseContext(course_id=course.id, deployment_id=deployment.id,
                         registration_id=deployment.registration_id)


def task_for_launch(session: Session, launch: Launch, link_pk: int | None,
                    course_id: int | None) -> Task | None:
    """The task this launch opens, or ``None`` for a link that names no task; commits."""
    if link_pk is None or course_id is None or launch.context is None:
        return None
    link = session.get(ResourceLink, link_pk)
    assert link is not None
    try:
        reference = read_task_reference(launch.custom)
    except TamperedTaskReference as exc:
        raise PlacementError(exc.messages) from None
    if reference is None:
        return session.get(Task, link.task_id) if link.task_id is not None else None
    task = session.get(Task, reference.task_id)
    if task is None:
        raise PlacementError(N_("The task this link opens has been deleted. Ask your teacher to "
                                "add a task to this assignment again."), 404)
    if task.registration_id not in (None, launch.registration_id):
        # The signature proves Worklink made the link, not that it was made for this school.
        raise PlacementError(N_("This link points at a task of another school's Worklink."))
    if not reference.made_for(launch.context.id):
        task = _copy_for_this_course(session, task, course_context(session, course_id), link)
    if link.task_id != task.id:
        link.task_id = task.id
        session.commit()
    return task


def _copy_for_this_course(session: Session, task: Task, here: CourseContext,
                          link: ResourceLink) -> Task:
    """The copied course's own copy of ``task``: the one made at an earlier launch, or a new one."""
    if link.task_id is not None:
        known = session.get(Task, link.task_id)
        if known is not None and known.course_id == here.course_id:
            return known
    existing = session.scalar(select(Task).where(
        Task.copied_from_id == task.id, Task.course_id == here.course_id).limit(1))
    if existing is not None:
        return existing
    if task.course_id is None:
        return task  # a template Worklink ships: every course may open it as it is
    owner = course_context(session, task.course_id)
    copy = copy_task(session, owner, task.id)
    copy.course_id, copy.deployment_id, copy.registration_id = (
        here.course_id, here.deployment_id, here.registration_id)
    session.commit()
    return copy
