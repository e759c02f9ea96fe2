"""The coverage page is the course's own, for its teachers, and counts what is placed in it."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from competencies.tasks.library import CourseContext
from lti_tool.models import ResourceLink
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import SKILL, STANDARD, aligned_task, course_context


def _place(db: Session, context: CourseContext, task_id: int, link: str) -> None:
    db.add(ResourceLink(course_id=context.course_id, resource_link_id=link, task_id=task_id))
    db.commit()


def _columns(page: str) -> list[str]:
    head = page.split("<thead>", 1)[1].split("</thead>", 1)[0]
    return re.findall(r'<th scope="col">([^<]*)</th>', head)[1:]


def test_teacher_sees_the_courses_coverage(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    _place(db, context, aligned_task(db, context, "Job shadow at a clinic"), "placed-1")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert "Job shadow at a clinic" in page
    assert STANDARD in page and SKILL in page and "1 of 1" in page


def test_a_library_task_never_placed_is_not_counted(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    _place(db, context, aligned_task(db, context, "Placed job shadow"), "placed-1")
    aligned_task(db, context, "Draft in the library")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert _columns(page) == ["Placed job shadow"]


def test_nothing_placed_says_so(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    aligned_task(db, context, "Draft in the library")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert "No work-based learning task is placed in this course yet" in page
    assert "Draft in the library" not in page


def test_two_placed_tasks_with_one_title_get_distinct_columns(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    for n in (1, 2):
        _place(db, context, aligned_task(db, context, "Hospital tour"), f"placed-{n}")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert _columns(page) == ["Hospital tour (1)", "Hospital tour (2)"]


def test_students_and_other_courses_are_refused(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course_id = course_context(db).course_id
    flow.launch(role="Learner")
    assert flow.client.get(f"/teacher/course/{course_id}/coverage").status_code == 403
    flow.launch(role="Instructor", lti_context={"id": "other", "title": "Other"})
    assert flow.client.get(f"/teacher/course/{course_id}/coverage").status_code == 403
