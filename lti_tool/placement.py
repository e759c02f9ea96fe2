"""Which WBL task a placement (an LTI resource link) opens.

The deep-linking response put a signed task reference into the link's custom parameters, and
the platform sends them back on every launch; that is asked first. The link row remembers the
task it resolved to, for platforms that stop sending custom parameters. A course copied to a
new term keeps its links, custom parameters and all, under a new context id: the first launch
there gives the new course its own copy of the task, so the two terms never share a rubric.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from competencies.messages import N_, Message, Refused
from competencies.partners.model import Placement
from competencies.tasks.draft import TaskError
from competencies.tasks.library import CourseContext, can_edit, copy_task, own_copy_of
from competencies.tasks.model import Task
from competencies.work.model import Submission
from lti_tool.lti.custom_params import TamperedTaskReference, read_task_reference
from lti_tool.lti.launch import Launch
from lti_tool.models import AddedTask, Course, Deployment, ResourceLink


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
    else:
        task = _own_copy_on_link(session, link, task, course_id) or task
    if link.task_id != task.id:
        link.task_id = task.id
        # The link's first launch (or its first since the teacher chose another task for it)
        # ties the task to its link: the course home stops listing it as added, not opened.
        session.execute(delete(AddedTask).where(AddedTask.course_id == course_id,
                                                AddedTask.task_id == task.id))
        session.commit()
    return task


def _own_copy_on_link(session: Session, link: ResourceLink, named: Task,
                      course_id: int) -> Task | None:
    """The course's own copy the link was given in place of the shared task its (unchangeable)
    custom parameters still name (see :func:`give_own_copy`)."""
    if link.task_id is None or link.task_id == named.id:
        return None
    given = session.get(Task, link.task_id)
    if given is not None and given.course_id == course_id and given.copied_from_id == named.id:
        return given
    return None


@dataclasses.dataclass(frozen=True)
class LinkOpening:
    """A placement in the course (its LMS link) that opens a given task."""

    link_id: int
    title: str | None
    """The link's title in the LMS, as its last launch sent it."""
    has_work: bool
    """A student has started work on it: it keeps the task that work answers."""


def links_opening(session: Session, course_id: int, task_id: int) -> list[LinkOpening]:
    """The course's placements that open ``task_id``, oldest first."""
    worked = (select(Submission.id).where(Submission.resource_link_id == ResourceLink.id)
              .exists())
    rows = session.execute(select(ResourceLink.id, ResourceLink.title, worked)
                           .where(ResourceLink.course_id == course_id,
                                  ResourceLink.task_id == task_id)
                           .order_by(ResourceLink.id)).all()
    return [LinkOpening(link, title, bool(has_work)) for link, title, has_work in rows]


def give_own_copy(session: Session, context: CourseContext, link_id: int) -> Task:
    """Make a placement that opens a shared task open this course's own copy of it; commits.

    Links placed on a template as it is (before the picker placed copies, or by an older
    Worklink in a district's database) open a task nobody in the course may change: its due
    date and rubric could never be set. The course's latest copy of that task is used (the one
    a teacher made with "copy" to adapt it), or a new one is made, and the link opens it from
    now on; the link's signed custom parameters still name the shared task, and
    :func:`task_for_launch` follows the link to the copy. Refused once a student has started
    work on the placement: that work answers the version of the shared task frozen when it
    began, and must go on pointing at it. The course's student placements at employers for the
    shared task follow the link, unless another placement in the course still opens it.
    """
    link = session.scalar(select(ResourceLink).where(ResourceLink.id == link_id,
                                                     ResourceLink.course_id == context.course_id))
    task = session.get(Task, link.task_id) if link is not None and link.task_id else None
    if link is None or task is None:
        raise PlacementError(N_("There is no such placed task in this course."), 404)
    if can_edit(context, task):
        return task
    if session.scalar(select(Submission.id).where(Submission.resource_link_id == link.id)
                      .limit(1)) is not None:
        raise PlacementError(N_("Students have already started work on this placement, so it "
                                "keeps the task their work answers. To use a task you can "
                                "change, add this course's own copy to the course as a new "
                                "assignment."), 409)
    try:
        copy = own_copy_of(session, context, task) or copy_task(session, context, task.id)
    except TaskError as exc:
        raise PlacementError(exc.messages, 404) from None
    link.task_id = copy.id
    if not any(other.link_id != link.id
               for other in links_opening(session, context.course_id, task.id)):
        _move_employer_placements(session, context.course_id, task.id, copy.id)
    session.commit()
    return copy


def _move_employer_placements(session: Session, course_id: int, from_task: int,
                              to_task: int) -> None:
    """The course's student placements for ``from_task`` now count for ``to_task`` (one that
    would repeat a placement already made for ``to_task`` stays where it is)."""
    placements = session.scalars(select(Placement).where(
        Placement.course_id == course_id, Placement.task_id.in_((from_task, to_task)))).all()
    taken = {(p.student_id, p.partner_id) for p in placements if p.task_id == to_task}
    for placement in placements:
        if placement.task_id == from_task and (placement.student_id, placement.partner_id) not in taken:
            placement.task_id = to_task


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
