"""A course's placed tasks with where its students are, and the next thing a teacher should do.

Counted with one grouped query per kind of progress, whatever the number of tasks: students in
the course, who opened each task, whose work is a draft and whose is handed in, whose grade went
to the LMS gradebook (and whose is on its way). Students on the platform's class list who have
never opened Worklink (:mod:`lti_tool.class_list`) are in the class too, and have not started.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from flask_babel import gettext
from sqlalchemy import bindparam, delete, distinct, func, select
from sqlalchemy.orm import Session

from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task
from competencies.tasks.search import Filters, TaskHit, search
from competencies.tasks.vocabulary import ContinuumStage, LibraryScope
from competencies.work.model import Submission
from competencies.work.vocabulary import SubmissionState
from lti_tool.models import (
    AddedTask,
    Course,
    DeliveryState,
    Deployment,
    Enrollment,
    GradeOutbox,
    ResourceLink,
    TaskOpen,
)
from lti_tool.security import Role
from lti_tool.upsert import insert_for

STUDENT_ROLE = Role.STUDENT.value


@dataclasses.dataclass(frozen=True)
class PlacedTask:
    link_id: int
    task_id: int
    title: str
    due_at: dt.datetime | None
    has_rubric: bool
    students: int
    opened: int
    grades_sent: int
    grades_waiting: int
    drafts: int = 0
    """Students writing their work (a draft, or revising work returned to them)."""
    handed_in: int = 0
    editable: bool = True
    """The course owns the task; a link placed on a shared task as it is opens one it cannot
    change until it is given the course's own copy (:func:`lti_tool.placement.give_own_copy`)."""
    has_work: bool = False
    """A student has started work on this placement, in any state."""

    @property
    def not_started(self) -> int:
        return max(self.students - self.opened, 0)


@dataclasses.dataclass(frozen=True)
class JustAdded:
    """A task the picker sent to the course whose link has not been opened yet (see
    :class:`lti_tool.models.AddedTask`): what the course home can say of it without its link."""

    task_id: int
    title: str
    due_at: dt.datetime | None
    has_rubric: bool
    added_at: dt.datetime


@dataclasses.dataclass(frozen=True)
class NextStep:
    text: str
    task_id: int | None = None
    """The task the step is about, when it is about one (the page links to it)."""
    endpoint: str | None = None


@dataclasses.dataclass(frozen=True)
class ListedTask:
    """A placed task as a student's home lists it: no counts of the class."""

    link_id: int
    title: str
    due_at: dt.datetime | None


# Built once: a student's home runs it on every launch, and building a statement costs more
# than SQLAlchemy's compiled cache saves (bench/profile_launch.py).
_LINKS = (select(ResourceLink.id, Task.id, Task.title, Task.due_at, Task.rubric_id, Task.course_id)
          .join(Task, ResourceLink.task_id == Task.id)
          .where(ResourceLink.course_id == bindparam("course_id")))


def listed_tasks(session: Session, course_id: int) -> list[ListedTask]:
    """The tasks placed in the course, for its students: soonest due first, one query."""
    # On the request's connection: the ORM's execute adds its own layers for plain rows.
    listed = [ListedTask(link, title, due) for link, _task, title, due, _rubric, _owner
              in session.connection().execute(_LINKS, {"course_id": course_id})]
    return sorted(listed, key=lambda t: (t.due_at or _FAR, t.title.casefold()))


_FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


def placed_tasks(session: Session, course_id: int, not_opened: int = 0) -> list[PlacedTask]:
    """Every task placed in the course (one row per LMS link), soonest due first; ``not_opened``
    students of the class list have never opened Worklink, so none of its tasks."""
    links = session.execute(_LINKS, {"course_id": course_id}).all()
    if not links:
        return []
    students = not_opened + (session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.course_id == course_id, Enrollment.role == STUDENT_ROLE)) or 0)
    link_ids = [row[0] for row in links]
    opened: dict[int, int] = dict(session.execute(
        select(TaskOpen.resource_link_id, func.count())
        .join(Enrollment, (Enrollment.user_id == TaskOpen.user_id)
              & (Enrollment.course_id == course_id) & (Enrollment.role == STUDENT_ROLE))
        .where(TaskOpen.resource_link_id.in_(link_ids))
        .group_by(TaskOpen.resource_link_id)).all())
    states: dict[int, dict[str, int]] = {}
    for link, state, count in session.execute(
            select(Submission.resource_link_id, Submission.state, func.count())
            .join(Enrollment, (Enrollment.user_id == Submission.student_id)
                  & (Enrollment.course_id == course_id) & (Enrollment.role == STUDENT_ROLE))
            .where(Submission.resource_link_id.in_(link_ids))
            .group_by(Submission.resource_link_id, Submission.state)):
        states.setdefault(link, {})[state] = count
    # Anyone's work, enrolled as a student today or not: it keeps the task the link opens.
    worked = set(session.scalars(select(Submission.resource_link_id).distinct()
                                 .where(Submission.resource_link_id.in_(link_ids))))
    sent = _grades(session, link_ids, (DeliveryState.DELIVERED,))
    waiting = _grades(session, link_ids, (DeliveryState.PENDING, DeliveryState.IN_FLIGHT))
    placed = [PlacedTask(link, task, title, due, rubric is not None, students,
                         opened.get(link, 0), sent.get(link, 0), waiting.get(link, 0),
                         drafts=states.get(link, {}).get(SubmissionState.DRAFT.value, 0)
                         + states.get(link, {}).get(SubmissionState.RETURNED.value, 0),
                         handed_in=states.get(link, {}).get(SubmissionState.SUBMITTED.value, 0),
                         editable=owner == course_id, has_work=link in worked)
              for link, task, title, due, rubric, owner in links]
    return sorted(placed, key=lambda p: (p.due_at or _FAR, p.title.casefold()))


def record_added(session: Session, course_id: int, task_ids: Iterable[int],
                 now: dt.datetime) -> None:
    """The picker sent these tasks to the course's LMS: list them until their links open."""
    rows = [{"course_id": course_id, "task_id": task_id, "added_at": now}
            for task_id in dict.fromkeys(task_ids)]
    if not rows:
        return
    connection = session.connection()
    statement = insert_for(connection, AddedTask.__table__).values(rows)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["course_id", "task_id"], set_={"added_at": statement.excluded.added_at}))


def added_tasks(session: Session, course_id: int) -> list[JustAdded]:
    """Tasks sent to the course that no link there has opened yet, most recently added first."""
    return [JustAdded(task_id, title, due, rubric is not None, added)
            for task_id, title, due, rubric, added in session.execute(
                select(Task.id, Task.title, Task.due_at, Task.rubric_id, AddedTask.added_at)
                .join(AddedTask, AddedTask.task_id == Task.id)
                .where(AddedTask.course_id == course_id)
                .order_by(AddedTask.added_at.desc(), Task.id))]


def forget_added(session: Session, course_id: int, task_id: int) -> None:
    """The teacher says the LMS never made this task's item (or it was removed there)."""
    session.execute(delete(AddedTask).where(AddedTask.course_id == course_id,
                                            AddedTask.task_id == task_id))


TEMPLATES_SHOWN = 6
_STAGE_ORDER = {stage.value: n for n, stage in enumerate(ContinuumStage)}


def templates(session: Session, course_id: int,
              context: CourseContext | None = None) -> list[TaskHit]:
    """Shared templates the course may copy (Worklink's and its tenant's), along the continuum.

    ``context`` is the course's deployment and registration when the caller knows them (a
    launch does): otherwise they are read.
    """
    if context is None:
        course = session.get(Course, course_id)
        deployment = session.get(Deployment, course.deployment_id) if course else None
        if course is None or deployment is None:
            return []
        context = CourseContext(course.id, deployment.id, deployment.registration_id)
    hits = [hit for hit in search(session, context, Filters(scope=LibraryScope.SHARED),
                                  limit=TEMPLATES_SHOWN).entries if not hit.own]
    return sorted(hits, key=lambda hit: (_STAGE_ORDER.get(hit.stage, 9), hit.title.casefold()))


def _grades(session: Session, link_ids: list[int], states: tuple[DeliveryState, ...]) -> dict[int, int]:
    return dict(session.execute(
        select(GradeOutbox.resource_link_id, func.count(distinct(GradeOutbox.user_id)))
        .where(GradeOutbox.resource_link_id.in_(link_ids), GradeOutbox.state.in_(states))
        .group_by(GradeOutbox.resource_link_id)).all())


def next_step(placed: list[PlacedTask], now: dt.datetime,
              added: Sequence[JustAdded] = ()) -> NextStep:
    """The one thing most worth doing now, in the page's language."""
    if not placed and not added:
        return NextStep(gettext("Place a task in the course: in the LMS, add an assignment or "
                                "activity with Worklink and choose a task from the library."))
    for task in placed:
        if not task.editable and not task.has_work:
            # Its rubric and due date are the shared task's: the task page offers the way out.
            return NextStep(gettext("“%(title)s” is placed as a shared task that cannot be "
                                    "changed in this course: give it this course's own copy.",
                                    title=task.title), task.task_id, "teacher.edit_task")
    # A shared task students already work on keeps its rubric and dates: no step can change them.
    changeable: list[PlacedTask | JustAdded] = [task for task in placed if task.editable]
    changeable += added  # the picker places only tasks the course owns
    for own in changeable:
        if not own.has_rubric:
            return NextStep(gettext("Give “%(title)s” a rubric, so it can be scored.",
                                    title=own.title), own.task_id, "teacher.task_rubric")
    for own in changeable:
        if own.due_at is None:
            return NextStep(gettext("Set a due date for “%(title)s”.", title=own.title),
                            own.task_id, "teacher.edit_task")
    upcoming = [t for t in placed if t.due_at is not None and t.due_at >= now]
    if upcoming and upcoming[0].not_started:
        task = upcoming[0]
        return NextStep(gettext("“%(title)s” is due next; %(count)s students have not opened it yet.",
                                title=task.title, count=task.not_started),
                        task.task_id, "teacher.preview_task")
    if not placed:
        return NextStep(gettext("Open the assignments you added once in the LMS (or wait for a "
                                "student to): each task shows here with its students' progress "
                                "from its link's first launch."))
    return NextStep(gettext("Everything placed has a rubric and a due date. Check the library "
                            "for the next task to place."))


def record_open(session: Session, resource_link_id: int | None, user_id: int | None) -> None:
    """A student opened the placed task behind this link (kept once, the first time)."""
    if resource_link_id is None or user_id is None:
        return
    from lti_tool.lti.provisioning import insert_ignore

    insert_ignore(session.connection(), TaskOpen,
                  {"resource_link_id": resource_link_id, "user_id": user_id}, {})
