"""A link placed on a shared template as it is (before the picker placed copies) gets a way out:
the course's own copy, opened by the same link, unless students already work on it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.model import Placement
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.partners.vocabulary import PartnerKind
from competencies.scoring import ratings
from competencies.scoring.model import ScoringPolicy
from competencies.tasks.model import Task
from competencies.work import submissions
from lti_tool.lti.custom_params import sign_task_reference
from lti_tool.models import ResourceLink, User
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context, shipped_template

OFFER = "own copy and use it for"
STEP = "is placed as a shared task that cannot be changed in this course"


@pytest.fixture
def template_id(db: Session) -> int:
    return shipped_template(db)


def _custom(app: Flask, task_id: int) -> dict[str, str]:
    return sign_task_reference(task_id, "course-7", secret=app.config["SECRET_KEY"])


def _open(app: Flask, flow: Flow, task_id: int, role: str = "Instructor", sub: str = "user-123",
          link: str = "link-1") -> str:
    return flow.launch(role=role, sub=sub, lti_custom=_custom(app, task_id),
                       lti_resource_link={"id": link, "title": "Job shadow"}).get_data(as_text=True)


def _link(db: Session, link: str = "link-1") -> ResourceLink:
    row = db.scalar(select(ResourceLink).where(ResourceLink.resource_link_id == link))
    assert row is not None
    return row


def _give_own_copy(flow: Flow, course_id: int, page: str, link_id: int) -> tuple[int, str]:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = flow.client.post(f"/teacher/course/{course_id}/links/{link_id}/own-copy",
                                data={"csrf_token": token.group(1)})
    return response.status_code, response.headers.get("Location", "")


def test_the_next_step_leads_to_a_page_where_it_can_be_done(
        app: Flask, flow: Flow, db: Session, template_id: int) -> None:
    """The QA finding: "Set a due date" led to a read-only template page, for good."""
    placement = _open(app, flow, template_id)           # the legacy link, opened once
    assert OFFER in placement
    course_id = course_context(db).course_id
    home = flow.client.get(f"/teacher/course/{course_id}").get_data(as_text=True)
    step = home.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert STEP in step and "Set a due date" not in step
    task_page = flow.client.get(f"/teacher/course/{course_id}/tasks/{template_id}")
    body = task_page.get_data(as_text=True)
    assert f'href="/teacher/course/{course_id}/tasks/{template_id}"' in step
    assert "This is a shared template from Worklink" in body and OFFER in body

    status, location = _give_own_copy(flow, course_id, body, _link(db).id)
    assert status == 303
    db.expire_all()
    copy = db.scalar(select(Task).where(Task.copied_from_id == template_id))
    assert copy is not None and copy.course_id == course_id
    assert copy.title == "Job shadow: a half day with an electrician"
    assert _link(db).task_id == copy.id and location.endswith(f"/tasks/{copy.id}?own_copy=1")
    assert "now opens this course's own copy" in flow.client.get(location).get_data(as_text=True)

    # The link's custom parameters still name the template: the link follows its copy.
    student = _open(app, flow, template_id, role="Learner", sub="student-1")
    assert "Job shadow: a half day with an electrician" in student
    db.expire_all()
    assert _link(db).task_id == copy.id
    assert "Edit the task" in _open(app, flow, template_id)  # the teacher's placement page
    home = flow.client.get(f"/teacher/course/{course_id}").get_data(as_text=True)
    step = home.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert f"Set a due date for “{copy.title}”" in step and f"/tasks/{copy.id}" in step
    template = db.get(Task, template_id)
    assert template is not None and template.course_id is None and template.revision == 1


def test_the_own_copy_keeps_how_the_template_handles_employer_ratings(
        app: Flask, flow: Flow, db: Session, template_id: int) -> None:
    """Employer ratings the template accepted as they came are still accepted so by the copy
    its placement now opens, until this course's teacher decides otherwise."""
    db.add(ScoringPolicy(task_id=template_id, accept_employer_ratings=True,
                         comment_required_for_lowest=True))
    db.commit()
    page = _open(app, flow, template_id)
    course_id = course_context(db).course_id
    status, _ = _give_own_copy(flow, course_id, page, _link(db).id)
    assert status == 303
    db.expire_all()
    policy = ratings.policy_for(db, _link(db).task_id)
    assert (policy.task_id, policy.accept_employer_ratings,
            policy.comment_required_for_lowest) == (_link(db).task_id, True, True)
    assert policy.task_id != template_id


def test_the_copy_the_teacher_already_made_is_the_one_used(
        app: Flask, flow: Flow, db: Session, template_id: int) -> None:
    _open(app, flow, template_id)
    course_id = course_context(db).course_id
    url = f"/teacher/course/{course_id}/tasks/{template_id}"
    page = flow.client.get(url).get_data(as_text=True)
    copied = flow.client.post(url + "/copy", data={"csrf_token": re.search(
        r'name="csrf_token" value="([^"]+)"', page).group(1)})  # type: ignore[union-attr]
    made = int(copied.headers["Location"].rsplit("/", 1)[1])
    page = flow.client.get(url).get_data(as_text=True)
    assert "Use this course's copy “Job shadow: a half day with an electrician (copy)”" in page
    status, _ = _give_own_copy(flow, course_id, page, _link(db).id)
    assert status == 303
    db.expire_all()
    assert _link(db).task_id == made
    assert db.scalar(select(func.count()).select_from(Task).where(
        Task.copied_from_id == template_id)) == 1


def test_a_placement_students_work_on_keeps_its_task(
        app: Flask, flow: Flow, db: Session, template_id: int) -> None:
    _open(app, flow, template_id, role="Learner", sub="student-1")
    page = _open(app, flow, template_id)
    course_id = course_context(db).course_id
    link = _link(db)
    template = db.get(Task, template_id)
    student = db.scalar(select(User).where(User.sub == "student-1"))
    assert template is not None and student is not None
    work = submissions.open_submission(db, submissions.PlacedTask(link.id, course_id, template),
                                       student.id, dt.datetime.now(dt.UTC))
    db.commit()

    status, _ = _give_own_copy(flow, course_id, page, link.id)
    assert status == 409
    db.expire_all()
    assert _link(db).task_id == template_id and db.get(type(work), work.id) is not None
    assert db.scalar(select(func.count()).select_from(Task).where(
        Task.copied_from_id == template_id)) == 0
    task_page = flow.client.get(f"/teacher/course/{course_id}/tasks/{template_id}").get_data(as_text=True)
    assert "students have already started work on it" in task_page and OFFER not in task_page
    # Nothing can be done about it, so the course home does not ask for it.
    _open(app, flow, template_id)
    home = flow.client.get(f"/teacher/course/{course_id}").get_data(as_text=True)
    step = home.split('id="next-heading"', 1)[1].split("</section>", 1)[0]
    assert STEP not in step and "Set a due date" not in step


def test_the_courses_employer_placements_follow_the_link(
        app: Flask, flow: Flow, db: Session, template_id: int) -> None:
    _open(app, flow, template_id, role="Learner", sub="student-1")
    page = _open(app, flow, template_id)
    context = course_context(db)
    student = db.scalar(select(User).where(User.sub == "student-1"))
    assert student is not None
    partner = directory.create_partner(db, context, PartnerDraft(
        name="Bright Electric", kind=PartnerKind.EMPLOYER, sector="Construction"))
    supervisor = directory.add_supervisor(db, context, partner.id, SupervisorDraft(
        name="Sam Ortiz", email="sam@bright.example.org"))
    create_placement(db, context, {"student-1@school.test": student.id}, PlacementDraft(
        student_id=student.id, partner_id=partner.id, supervisor_id=supervisor.id,
        task_id=template_id, starts_on=dt.date(2027, 3, 1), ends_on=dt.date(2027, 3, 2),
        expected_hours=4))
    db.commit()
    status, _ = _give_own_copy(flow, context.course_id, page, _link(db).id)
    assert status == 303
    db.expire_all()
    placed = db.scalar(select(Placement))
    assert placed is not None and placed.task_id == _link(db).task_id != template_id


def test_another_courses_link_cannot_be_changed(
        app: Flask, flow: Flow, db: Session, template_id: int) -> None:
    _open(app, flow, template_id)
    theirs = _link(db).id
    page = flow.launch(role="Instructor", lti_context={"id": "course-8", "title": "Other"},
                       lti_resource_link={"id": "link-9"}).get_data(as_text=True)
    other_course = course_context(db, "course-8").course_id
    status, _ = _give_own_copy(flow, other_course, page, theirs)
    assert status == 404
    db.expire_all()
    assert _link(db).task_id == template_id
