"""A course with WBL tasks in it, made through a real teacher launch and the task library."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Item
from competencies.tasks import library, starters, stored_rubric
from competencies.tasks.library import CourseContext
from competencies.tasks.model import TaskAlignment
from competencies.tasks.vocabulary import AlignmentType
from lti_tool.models import Course, Deployment
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import draft

STANDARD = "CCSS.ELA-LITERACY.W.11-12.2"
SKILL = "2.A.1.c"


def course_context(db: Session, context_id: str = "course-7") -> CourseContext:
    course = db.scalar(select(Course).where(Course.context_id == context_id))
    assert course is not None, "launch into the course first"
    deployment = db.get(Deployment, course.deployment_id)
    assert deployment is not None
    return CourseContext(course.id, deployment.id, deployment.registration_id)


def _frameworks(db: Session) -> None:
    if db.scalar(select(Item).where(Item.human_coding_scheme == STANDARD)) is None:
        store(db, tree_package("ccss", "Common Core ELA (test excerpt)",
                               [(STANDARD, "Write informative/explanatory texts.", [])]))
        store(db, tree_package("onet", "O*NET Skills (test excerpt)",
                               [(SKILL, "Writing: communicating effectively in writing.", [])]))


def shipped_template(db: Session, title: str = "Job shadow: a half day with an electrician") -> int:
    """A template as Worklink ships it (no course, no tenant), with a rubric and an alignment."""
    _frameworks(db)
    template = library.create_template(db, draft(title=title))
    template.rubric = stored_rubric.write(db, starters.load("employability-skills"),
                                          skip_unknown_items=True)
    item = db.scalar(select(Item).where(Item.human_coding_scheme == STANDARD))
    assert item is not None
    template.alignments.append(TaskAlignment(item_id=item.id,
                                             alignment_type=AlignmentType.BUILDS.value))
    db.commit()
    return template.id


def aligned_task(db: Session, context: CourseContext, title: str) -> int:
    """A task with the employability starter rubric, aligned to a standard and an O*NET skill."""
    _frameworks(db)
    task = library.create_task(db, context, draft(title=title))
    library.use_starter_rubric(db, context, task.id, "employability-skills")
    for code in (STANDARD, SKILL):
        item = db.scalar(select(Item).where(Item.human_coding_scheme == code))
        assert item is not None
        library.align(db, context, task.id, item.id, AlignmentType.BUILDS)
    return task.id
