"""The coverage page is the course's own, for its teachers."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import SKILL, STANDARD, aligned_task, course_context


def test_teacher_sees_the_courses_coverage(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    context = course_context(db)
    aligned_task(db, context, "Job shadow at a clinic")
    page = flow.client.get(f"/teacher/course/{context.course_id}/coverage").get_data(as_text=True)
    assert "Job shadow at a clinic" in page
    assert STANDARD in page and SKILL in page and "1 of 1" in page


def test_students_and_other_courses_are_refused(flow: Flow, db: Session) -> None:
    flow.launch(role="Instructor")
    course_id = course_context(db).course_id
    flow.launch(role="Learner")
    assert flow.client.get(f"/teacher/course/{course_id}/coverage").status_code == 403
    flow.launch(role="Instructor", lti_context={"id": "other", "title": "Other"})
    assert flow.client.get(f"/teacher/course/{course_id}/coverage").status_code == 403
