"""A teacher's form sent with an expired token (Worklink launched again in another tab, a new
session) comes back as typed, saying nothing was saved, with a fresh token to send it again:
the task form, the rubric builder, alignments, returning and scoring work, the reflection
prompts, partners, supervisors, placements and moderation."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from competencies.audit import Actor
from competencies.models import Item
from competencies.orm import utcnow
from competencies.partners.model import Partner, Placement, Supervisor
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.scoring import ratings
from competencies.scoring.model import FinalScore, RubricRating
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks.model import Task, TaskAlignment
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import PlacedTaskWork
from lti_tool.models import Enrollment, User
from tests.competencies.framework_factories import store, tree_package
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.task_launch_factories import course_context
from tests.lti_tool.teacher.test_refused_forms_keep_input import (
    CRITERIA,
    Fields,
    _supervisor,
    _task_id,
    course_id,
)
from tests.lti_tool.teacher.test_submissions_view import hand_in
from tests.lti_tool.teacher.test_tasks import _rubric_form

__all__ = ["course_id"]  # the fixture, imported for these tests

EXPIRED = "This form had expired, so nothing was saved. What you sent is below: check it and " \
          "send it again."
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _stale_token(flow: Flow, url: str, launch_again: Callable[[], object] | None = None) -> str:
    """A form token of the page at ``url``; then the teacher launches Worklink again (another
    tab), so the token names the session before."""
    page = flow.client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    token = _TOKEN.search(page.get_data(as_text=True))
    assert token is not None
    (launch_again or (lambda: flow.launch(role="Instructor")))()
    return token.group(1)


def _sent_back(response: TestResponse, stale: str) -> Fields:
    """The form drawn again: the reason, a fresh token, and its fields as a browser shows them."""
    page = response.get_data(as_text=True)
    assert response.status_code == 422, page[:500]
    assert EXPIRED in text(page)
    assert stale not in page and _TOKEN.search(page) is not None
    return Fields(page)


def _count(db: Session, model: Any) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model)) or 0


# --- tasks -------------------------------------------------------------------------------------

TASK = {"title": "Clinic job shadow", "description": "<p>Shadow a nurse for a morning.</p>",
        "stage": "exploration", "experience_type": "job_shadow", "pathway": "Patient Care",
        "expected_hours": "4", "scope": "course"}


def test_a_new_task_comes_back_as_typed(flow: Flow, db: Session, course_id: int) -> None:
    url = f"/teacher/course/{course_id}/tasks/new"
    stale = _stale_token(flow, url)
    before = _count(db, Task)

    fields = _sent_back(flow.client.post(url, data={"csrf_token": stale, **TASK,
                                                    "asked_artifacts": ["reflection"]}), stale)

    assert {name: fields.values[name] for name in TASK if name != "scope"} == {
        name: value for name, value in TASK.items() if name != "scope"}
    assert "asked-artifact-reflection" in fields.checked
    assert _count(db, Task) == before


def test_a_task_edit_comes_back_as_typed(flow: Flow, db: Session, course_id: int) -> None:
    task_id = _task_id(db, "Pharmacy shadow day")
    url = f"/teacher/course/{course_id}/tasks/{task_id}"
    stale = _stale_token(flow, url)

    fields = _sent_back(flow.client.post(url, data={"csrf_token": stale, **TASK,
                                                    "title": "Pharmacy shadow, revised"}), stale)

    assert (fields.values["title"], fields.values["description"]) == (
        "Pharmacy shadow, revised", TASK["description"])
    db.expire_all()
    assert db.get(Task, task_id).title == "Pharmacy shadow day"  # type: ignore[union-attr]


@pytest.mark.parametrize("edit", [None, "add-criterion"])
def test_the_rubric_builder_comes_back_as_typed(flow: Flow, db: Session, course_id: int,
                                               edit: str | None) -> None:
    """Saving, or an edit button (which saves nothing anyway) pressed on the older page."""
    task_id = _task_id(db, "Pharmacy shadow day")
    url = f"/teacher/course/{course_id}/tasks/{task_id}/rubric"
    stale = _stale_token(flow, url)
    form = {**_rubric_form(stale), **({"edit": edit} if edit else {})}

    fields = _sent_back(flow.client.post(url, data=form), stale)

    assert (fields.values["c0-name"], fields.values["c0-l2-label"], fields.values["c1-name"],
            fields.values["c1-l1-points"]) == ("Communication", "Advanced", "Safety", "2")
    db.expire_all()
    assert db.get(Task, task_id).rubric_id is None  # type: ignore[union-attr]


def test_an_alignment_comes_back_with_its_search_and_weight(flow: Flow, db: Session,
                                                          course_id: int) -> None:
    store(db, tree_package("hs", "Health Science", [("HS.1", "Communicate with patients", [])]))
    db.commit()
    item = db.scalar(select(Item).where(Item.human_coding_scheme == "HS.1"))
    assert item is not None
    task_id = _task_id(db, "Pharmacy shadow day")
    url = f"/teacher/course/{course_id}/tasks/{task_id}/alignments?q=HS.1"
    stale = _stale_token(flow, url)

    fields = _sent_back(flow.client.post(url, data={
        "csrf_token": stale, "item_id": item.id, "alignment_type": "assesses",
        "weight": "2.5"}), stale)

    assert (fields.values[f"type-{item.id}"], fields.values[f"weight-{item.id}"]) == (
        "assesses", "2.5")
    assert _count(db, TaskAlignment) == 0


# --- students' work ----------------------------------------------------------------------------

@pytest.fixture
def handed_in(app: Flask, flow: Flow, db: Session) -> tuple[PlacedClass, str]:
    """A submission handed in, and its page's address; the teacher is signed in."""
    placed = PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION),
                         due_at=utcnow() + dt.timedelta(days=7))
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    submission = placed.submission("student-1")
    return placed, f"/teacher/course/{placed.course_id}/submissions/{submission.id}"


def test_a_return_comment_comes_back_as_typed(handed_in: tuple[PlacedClass, str],
                                              db: Session) -> None:
    placed, url = handed_in
    stale = _stale_token(placed.flow, url, lambda: placed.launch("Instructor", "teacher-1"))
    comment = "Name the needs of each patient you saw, not only the tasks you did."

    fields = _sent_back(placed.flow.client.post(url + "/return", data={
        "csrf_token": stale, "comment": comment}), stale)

    assert fields.values["comment"] == comment
    db.expire_all()
    assert placed.submission("student-1").state == "submitted"


def test_a_score_comes_back_with_its_levels_and_comments(handed_in: tuple[PlacedClass, str],
                                                         db: Session) -> None:
    placed, url = handed_in
    stale = _stale_token(placed.flow, url, lambda: placed.launch("Instructor", "teacher-1"))
    levels = {f"level:{name}": "Proficient" for name in CRITERIA}

    fields = _sent_back(placed.flow.client.post(url + "/score", data={
        "csrf_token": stale, **levels, "level:Communication": "Advanced",
        "comment:Communication": "Led the morning huddle.",
        "level:Problem solving": "", "comment:Problem solving": "Ask before you guess."}), stale)

    assert (fields.values["direct-1"], fields.values["direct-2"],
            fields.values["direct-comment-1"]) == ("Advanced", "Proficient",
                                                   "Led the morning huddle.")
    assert (fields.values["direct-4"], fields.values["direct-comment-4"]) == (
        "", "Ask before you guess.")
    assert _count(db, FinalScore) == 0


def test_reflection_prompts_come_back_as_typed(handed_in: tuple[PlacedClass, str],
                                               db: Session) -> None:
    placed, _ = handed_in
    url = f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
    stale = _stale_token(placed.flow, url + "/submissions",
                         lambda: placed.launch("Instructor", "teacher-1"))
    prompts = "What surprised you?\nWho helped you most?"

    fields = _sent_back(placed.flow.client.post(url + "/settings", data={
        "csrf_token": stale, "closed": "1", "prompts": prompts}), stale)

    assert fields.values["prompts"].strip() == prompts and "closed" in fields.checked
    assert _count(db, PlacedTaskWork) == 0


# --- partners, placements, moderation ----------------------------------------------------------

def test_a_new_partner_comes_back_as_typed(flow: Flow, db: Session, course_id: int) -> None:
    url = f"/teacher/course/{course_id}/partners"
    stale = _stale_token(flow, url)
    typed = {"name": "Sunrise Pharmacy", "kind": "cbo", "sector": "Health",
             "address": "12 Main St", "pathways": "Patient Care", "notes": "Call before noon"}

    fields = _sent_back(flow.client.post(url, data={"csrf_token": stale, **typed}), stale)

    assert {name: fields.values[name] for name in typed} == typed
    assert _count(db, Partner) == 0


def test_a_new_supervisor_comes_back_as_typed(flow: Flow, db: Session, course_id: int) -> None:
    partner = _supervisor(flow, db, course_id).partner_id
    url = f"/teacher/course/{course_id}/partners/{partner}"
    stale = _stale_token(flow, url)
    typed = {"name": "Rosa Méndez", "title": "Pharmacist", "email": "rosa@sunrise.example.org",
             "phone": "718-555-0142", "language": "es"}

    fields = _sent_back(flow.client.post(url, data={"csrf_token": stale, "action": "supervisor",
                                                    **typed}), stale)

    assert {name: fields.values[f"s-{name}"] for name in typed} == typed
    assert _count(db, Supervisor) == 1


def test_a_placement_comes_back_as_typed(flow: Flow, db: Session, course_id: int) -> None:
    supervisor = _supervisor(flow, db, course_id)
    url = f"/teacher/course/{course_id}/placements"
    stale = _stale_token(flow, url)
    student = db.scalar(select(User.id).join(Enrollment, Enrollment.user_id == User.id).where(
        Enrollment.course_id == course_id, Enrollment.role == "student"))
    typed = {"student_id": str(student), "supervisor_id": str(supervisor.id),
             "task_id": str(_task_id(db, "Pharmacy shadow day")), "starts_on": "2026-09-01",
             "ends_on": "2026-12-01", "expected_hours": "40"}

    fields = _sent_back(flow.client.post(url, data={"csrf_token": stale, **typed}), stale)

    assert {name: fields.values[name] for name in typed} == typed
    assert _count(db, Placement) == 0


def test_a_class_file_sent_from_an_expired_form_is_asked_for_again(
        flow: Flow, db: Session, course_id: int) -> None:
    """A browser never lets a page fill a file field: the page says to choose the file again."""
    url = f"/teacher/course/{course_id}/placements"
    stale = _stale_token(flow, url)
    csv = b"student_email,partner_name,supervisor_email,task_title,starts_on,ends_on\n"

    response = flow.client.post(url, content_type="multipart/form-data", data={
        "csrf_token": stale, "csv": (io.BytesIO(csv), "class.csv")})

    page = text(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "This form had expired, so nothing was placed. Choose the file again and send it." \
        in page
    assert _count(db, Placement) == 0


def _pending_rating(flow: Flow, db: Session, course_id: int) -> int:
    """A placement whose employer's rating waits for moderation."""
    supervisor = _supervisor(flow, db, course_id)
    student = db.scalar(select(User.id).join(Enrollment, Enrollment.user_id == User.id).where(
        Enrollment.course_id == course_id, Enrollment.role == "student"))
    assert student is not None
    placement = create_placement(db, course_context(db), {"maya": student}, PlacementDraft(
        student_id=student, partner_id=supervisor.partner_id, supervisor_id=supervisor.id,
        task_id=_task_id(db, "Clinic internship"), starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 1)))
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=supervisor.id)
    employer = Actor("employer", "Ana Reyes")
    ratings.save(db, rating, rubric, {c: Choice("Proficient") for c in CRITERIA}, employer)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   employer)
    return placement.id


@pytest.mark.parametrize("action", ["accept", "score"])
def test_a_moderation_comes_back_with_its_levels_and_reasons(
        flow: Flow, db: Session, course_id: int, action: str) -> None:
    placement = _pending_rating(flow, db, course_id)
    url = f"/teacher/course/{course_id}/placements/{placement}/rating"
    stale = _stale_token(flow, url)
    levels = {f"level:{name}": "Proficient" for name in CRITERIA}

    fields = _sent_back(flow.client.post(url, data={
        "csrf_token": stale, "action": action, **levels, "level:Communication": "Advanced",
        "reason:Communication": "Led the morning huddle", "note": "Thank you"}), stale)

    if action == "accept":
        assert (fields.values["level-1"], fields.values["reason-1"], fields.values["note"]) == (
            "Advanced", "Led the morning huddle", "Thank you")
    else:
        assert (fields.values["direct-1"], fields.values["direct-2"]) == ("Advanced",
                                                                          "Proficient")
    db.expire_all()
    assert db.scalar(select(RubricRating.status)) == "pending"
    assert _count(db, FinalScore) == 0
