"""The task library: create, edit, copy and align tasks, seen through one course's eyes.

Every call names the course asking (:class:`CourseContext`). A task is visible to that course
when the course owns it, when it is scoped to the course's deployment (a school or district),
or when it is a shared template of the same registration or one Worklink ships. Only the
owning course edits a task; everyone else copies it. A task outside that view is answered as
"not found", so ids from another course or tenant reveal nothing.
"""

from __future__ import annotations

import dataclasses
import math

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from competencies.messages import N_
from competencies.models import Item
from competencies.orm import utcnow
from competencies.scoring.model import ScoringPolicy
from competencies.tasks import starters, stored_rubric
from competencies.tasks.draft import TITLE_MAX, TaskDraft, TaskError
from competencies.tasks.model import Task, TaskAlignment
from competencies.tasks.rubric import Rubric, RubricError
from competencies.tasks.sanitize import plain_text, sanitize
from competencies.tasks.vocabulary import AlignmentType, ExperienceType, LibraryScope
from competencies.work.file_policy import ordered

ALIGNMENT_WEIGHT_MAX = 100.0


class TaskNotFound(TaskError):
    def __init__(self) -> None:
        super().__init__(N_("There is no such task in this course's library."))


class TaskReadOnly(TaskError):
    def __init__(self) -> None:
        super().__init__(N_("This task belongs to another course; copy it to adapt it."))


@dataclasses.dataclass(frozen=True)
class CourseContext:
    """The course asking, by the LTI shell's row ids."""

    course_id: int
    deployment_id: int
    registration_id: int


def visible_to(context: CourseContext) -> ColumnElement[bool]:
    """The tasks ``context`` may see, as a condition on :class:`Task`."""
    return or_(
        and_(Task.course_id == context.course_id, Task.registration_id == context.registration_id),
        and_(Task.scope == LibraryScope.DEPLOYMENT.value,
             Task.deployment_id == context.deployment_id),
        and_(Task.scope == LibraryScope.SHARED.value,
             or_(Task.registration_id == context.registration_id,
                 Task.registration_id.is_(None))),
    )


def get_visible(session: Session, context: CourseContext, task_id: int) -> Task:
    task = session.scalar(select(Task).where(Task.id == task_id, visible_to(context)))
    if task is None:
        raise TaskNotFound()
    return task


def get_editable(session: Session, context: CourseContext, task_id: int) -> Task:
    task = get_visible(session, context, task_id)
    if not can_edit(context, task):
        raise TaskReadOnly()
    return task


def can_edit(context: CourseContext, task: Task) -> bool:
    return task.course_id == context.course_id and task.registration_id == context.registration_id


def create_task(session: Session, context: CourseContext, draft: TaskDraft) -> Task:
    draft.check()
    task = Task(course_id=context.course_id, deployment_id=context.deployment_id,
                registration_id=context.registration_id, revision=1)
    _apply(task, draft)
    session.add(task)
    session.commit()
    return task


def create_template(session: Session, draft: TaskDraft) -> Task:
    """A template Worklink ships: no course and no tenant, shared with every course, which
    copies it to adapt it. The caller commits (templates are installed together)."""
    draft.check()
    task = Task(course_id=None, deployment_id=None, registration_id=None, revision=1)
    _apply(task, draft)
    task.scope = LibraryScope.SHARED.value
    session.add(task)
    return task


def update_task(session: Session, context: CourseContext, task_id: int, draft: TaskDraft) -> Task:
    """Edit the draft; frozen versions students work on stay as they were."""
    draft.check()
    task = get_editable(session, context, task_id)
    _apply(task, draft)
    _touch(task)
    session.commit()
    return task


def copy_task(session: Session, context: CourseContext, task_id: int, *,
              title: str | None = None) -> Task:
    """A copy owned by the asking course, scoped to it, with its own rubric and alignments, and
    scored as the original is (its scoring policy, the copy's to change from then on).

    A teacher's "copy to adapt" passes ``title`` worded as a copy in their language, so the
    library never shows two tasks by one name. A course copied to a new term (context history,
    a copy notice) passes none: its students see the task under the title it always had.
    Every copy Worklink makes comes from here: "copy to adapt", a course copied to a new term,
    a shared task placed in a course (:func:`task_to_place`), a placement's own copy.
    """
    source = get_visible(session, context, task_id)
    copy = Task(
        title=(title or source.title)[:TITLE_MAX],
        description_html=source.description_html, stage=source.stage,
        experience_type=source.experience_type, experience_other=source.experience_other,
        career_cluster=source.career_cluster, pathway=source.pathway,
        expected_hours=source.expected_hours, asked_artifacts=list(source.asked_artifacts),
        file_groups=list(source.file_groups), file_max_bytes=source.file_max_bytes,
        opens_at=source.opens_at, due_at=source.due_at, employer_scored=source.employer_scored,
        scope=LibraryScope.COURSE.value, course_id=context.course_id,
        deployment_id=context.deployment_id, registration_id=context.registration_id,
        copied_from_id=source.id, search_text=source.search_text, revision=1,
        alignments=[TaskAlignment(item_id=a.item_id, alignment_type=a.alignment_type,
                                  weight=a.weight, position=a.position)
                    for a in source.alignments],
    )
    if source.rubric is not None:
        copy.rubric = stored_rubric.write(session, stored_rubric.read(source.rubric),
                                          skip_unknown_items=True)
    session.add(copy)
    policy = session.get(ScoringPolicy, source.id)
    if policy is not None:
        session.flush()  # the copy's id, which its policy is keyed by
        session.add(policy.copied_for(copy.id))
    session.commit()
    return copy


def task_to_place(session: Session, context: CourseContext, task_id: int) -> Task:
    """The task a new placement in this course opens: the course's own task as it is, and for
    anything shared with it (a template Worklink ships, a task of the school or district) a
    copy the course owns, so everything about the placement can be changed here while the
    shared task stays as every other course sees it. The copy keeps the title students will see
    in the LMS. Commits when it copies."""
    task = get_visible(session, context, task_id)
    if can_edit(context, task):
        return task
    return copy_task(session, context, task.id)


def own_copy_of(session: Session, context: CourseContext, task: Task) -> Task | None:
    """The asking course's latest copy of ``task``, if it made one."""
    return session.scalar(select(Task).where(
        Task.copied_from_id == task.id, Task.course_id == context.course_id,
        Task.registration_id == context.registration_id).order_by(Task.id.desc()).limit(1))


def set_rubric(session: Session, context: CourseContext, task_id: int, rubric: Rubric) -> Task:
    task = get_editable(session, context, task_id)
    try:
        # write() checks everything before it changes a row, so a refusal leaves no trace.
        task.rubric = stored_rubric.write(session, rubric, task.rubric)
    except RubricError as exc:
        raise TaskError(exc.messages) from exc
    _touch(task)
    session.commit()
    return task


def use_starter_rubric(session: Session, context: CourseContext, task_id: int,
                       name: str) -> Task:
    """Give the task its own copy of a starter rubric, aligned to the imported competencies."""
    task = get_editable(session, context, task_id)
    try:
        starter = starters.load(name)
    except LookupError as exc:
        raise TaskError(N_("There is no starter rubric “%(name)s”."), name=name) from exc
    task.rubric = stored_rubric.write(session, starter, task.rubric, skip_unknown_items=True)
    _touch(task)
    session.commit()
    return task


def rubric_of(task: Task) -> Rubric | None:
    return stored_rubric.read(task.rubric) if task.rubric is not None else None


def align(session: Session, context: CourseContext, task_id: int, item_id: int,
          alignment_type: AlignmentType, weight: float = 1.0) -> TaskAlignment:
    """Align the task to an item; aligning it again changes the type and weight."""
    task = get_editable(session, context, task_id)
    if not (math.isfinite(weight) and 0 < weight <= ALIGNMENT_WEIGHT_MAX):
        raise TaskError(N_("An alignment's weight must be above 0 and at most %(max)s."),
                        max=f"{ALIGNMENT_WEIGHT_MAX:g}")
    item = session.get(Item, item_id)
    if item is None:
        raise TaskError(N_("That standard or competency is not imported."))
    if item.retired:
        raise TaskError(N_("“%(item)s” was retired by its framework; choose a current one."),
                        item=item.human_coding_scheme or item.full_statement[:60])
    alignment = next((a for a in task.alignments if a.item_id == item_id), None)
    if alignment is None:
        alignment = TaskAlignment(item_id=item_id, position=len(task.alignments))
        task.alignments.append(alignment)
    alignment.alignment_type = alignment_type.value
    alignment.weight = weight
    _touch(task)
    session.commit()
    return alignment


def unalign(session: Session, context: CourseContext, task_id: int, alignment_id: int) -> Task:
    task = get_editable(session, context, task_id)
    alignment = next((a for a in task.alignments if a.id == alignment_id), None)
    if alignment is None:
        raise TaskError(N_("That alignment is not on this task."))
    task.alignments.remove(alignment)
    _touch(task)
    session.commit()
    return task


def _apply(task: Task, draft: TaskDraft) -> None:
    task.title = draft.title.strip()
    task.description_html = sanitize(draft.description)
    task.stage = draft.stage.value
    task.experience_type = draft.experience_type.value
    task.experience_other = (draft.experience_other if draft.experience_type is ExperienceType.OTHER
                             else None)
    task.career_cluster = draft.career_cluster
    task.pathway = draft.pathway
    task.expected_hours = draft.expected_hours
    task.asked_artifacts = [kind.value for kind in draft.asked_artifacts]
    if draft.file_groups is not None:
        task.file_groups = ordered(draft.file_groups)
        task.file_max_bytes = draft.file_max_bytes
    task.opens_at = draft.opens_at
    task.due_at = draft.due_at
    task.employer_scored = draft.employer_scored
    task.scope = draft.scope.value
    task.search_text = " ".join(
        part for part in (task.title, plain_text(task.description_html), task.career_cluster,
                          task.pathway, draft.experience_type.label, task.experience_other)
        if part).casefold()


def _touch(task: Task) -> None:
    task.revision = (task.revision or 1) + 1
    task.updated_at = utcnow()
