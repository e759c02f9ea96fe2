"""A resource-link launch opens the task its signed custom parameters name."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.scoring import ratings
from competencies.tasks.model import Task, TaskVersion
from lti_tool.lti.custom_params import sign_task_reference
from lti_tool.models import ResourceLink
from tests.competencies.tasks.task_factories import course as make_course
from tests.competencies.tasks.task_factories import deployment, tenant
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import SKILL, STANDARD, aligned_task, course_context


@pytest.fixture
def task_id(flow: Flow, db: Session) -> int:
    flow.launch(role="Instructor")
    return aligned_task(db, course_context(db), "Job shadow at a clinic")


def _custom(app: Flask, task_id: int, context: str = "course-7") -> dict[str, str]:
    return sign_task_reference(task_id, context, secret=app.config["SECRET_KEY"])


def test_student_opens_the_task_with_its_standards_and_competencies(
        app: Flask, flow: Flow, db: Session, task_id: int) -> None:
    page = flow.launch(role="Learner", lti_custom=_custom(app, task_id)).get_data(as_text=True)
    assert "Job shadow at a clinic" in page and "Student view" in page
    assert STANDARD in page and SKILL in page
    assert "Common Core ELA (test excerpt)" in page and "O*NET Skills (test excerpt)" in page
    # The student's first launch froze the task: later edits make a new version.
    assert db.scalar(select(func.count()).select_from(TaskVersion)) == 1


def test_teacher_opening_the_placement_sees_the_task_and_how_to_edit_it(
        app: Flask, flow: Flow, task_id: int) -> None:
    page = flow.launch(role="Instructor", lti_custom=_custom(app, task_id)).get_data(as_text=True)
    assert "Job shadow at a clinic" in page and "Edit the task" in page


def test_a_changed_task_reference_is_refused(app: Flask, flow: Flow, db: Session,
                                             task_id: int) -> None:
    other = aligned_task(db, course_context(db), "Another task")
    custom = {**_custom(app, task_id), "worklink_task": str(other)}
    response = flow.launch(role="Learner", lti_custom=custom)
    assert response.status_code == 403
    assert b"changed after Worklink made it" in response.data
    assert b"Another task" not in response.data


def test_the_link_remembers_its_task_when_custom_parameters_stop_coming(
        app: Flask, flow: Flow, db: Session, task_id: int) -> None:
    flow.launch(role="Learner", lti_custom=_custom(app, task_id))
    link = db.scalar(select(ResourceLink).where(ResourceLink.resource_link_id == "link-1"))
    assert link is not None and link.task_id == task_id
    page = flow.launch(role="Learner").get_data(as_text=True)
    assert "Job shadow at a clinic" in page


def test_a_copied_course_gets_its_own_copy_of_the_task(
        app: Flask, flow: Flow, db: Session, task_id: int) -> None:
    """Course copy keeps the link and its custom parameters under a new context id."""
    ratings.set_policy(db, course_context(db), task_id, accept_employer_ratings=True,
                       comment_required_for_lowest=True)
    new_term = {"id": "course-7-spring", "title": "Health Science Pathway (Spring)"}
    page = flow.launch(role="Learner", lti_context=new_term,
                       lti_custom=_custom(app, task_id)).get_data(as_text=True)
    assert "Job shadow at a clinic" in page
    copy = db.scalar(select(Task).where(Task.copied_from_id == task_id))
    assert copy is not None and copy.course_id == course_context(db, "course-7-spring").course_id
    policy = ratings.policy_for(db, copy.id)
    assert policy.accept_employer_ratings and policy.comment_required_for_lowest
    # A second launch in the new term opens the same copy, not another one.
    flow.launch(role="Learner", lti_context=new_term, lti_custom=_custom(app, task_id))
    assert db.scalar(select(func.count()).select_from(Task).where(Task.copied_from_id == task_id)) == 1


def test_a_task_of_another_tenant_is_refused(app: Flask, flow: Flow, db: Session,
                                            task_id: int) -> None:
    elsewhere = make_course(db, deployment(db, tenant(db)))
    foreign = aligned_task(db, elsewhere, "Another school's task")
    response = flow.launch(role="Learner", lti_custom=_custom(app, foreign, "their-course"))
    assert response.status_code == 403
    assert b"another school" in response.data
