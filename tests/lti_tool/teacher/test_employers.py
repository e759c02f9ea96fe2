"""The teacher's partner, placement, link and moderation pages, through a real launch."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.links import EmployerLink
from competencies.partners.model import Partner, Placement, Supervisor
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.scoring import ratings
from competencies.scoring.model import FinalScore
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks import library, starters, stored_rubric
from competencies.tasks.model import Task
from lti_tool.models import Enrollment, OutboundMail, User
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")


def _csrf(flow: Flow, url: str) -> str:
    page = flow.client.get(url)
    assert page.status_code == 200, page.get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert found is not None
    return found.group(1)


@pytest.fixture
def course_id(flow: Flow, db: Session) -> int:
    """A course with one student who launched, a task with a rubric, and the teacher signed in."""
    flow.launch(role="Learner", sub="student-1", name="Maya Lopez",
                email="maya@students.example.org")
    flow.launch(role="Instructor")
    context = course_context(db)
    task = library.create_task(db, context, draft(title="Clinic internship",
                                                  employer_scored=True))
    library.use_starter_rubric(db, context, task.id, "employability-skills")
    return context.course_id


def _partner_with_supervisor(flow: Flow, db: Session, course_id: int) -> Supervisor:
    base = f"/teacher/course/{course_id}/partners"
    created = flow.client.post(base, data={
        "csrf_token": _csrf(flow, base), "name": "Bronx Community Clinic", "kind": "employer",
        "sector": "Healthcare", "pathways": "Patient Care"})
    assert created.status_code == 302
    partner = db.scalar(select(Partner))
    assert partner is not None
    url = f"{base}/{partner.id}"
    added = flow.client.post(url, data={
        "csrf_token": _csrf(flow, url), "action": "supervisor", "name": "Ana Reyes",
        "email": "ana@clinic.example.org", "language": "es"})
    assert added.status_code == 302
    supervisor = db.scalar(select(Supervisor))
    assert supervisor is not None
    return supervisor


def test_a_teacher_adds_a_partner_places_a_student_and_issues_a_link(
        flow: Flow, db: Session, course_id: int) -> None:
    supervisor = _partner_with_supervisor(flow, db, course_id)
    found = flow.client.get(f"/teacher/course/{course_id}/partners",
                            query_string={"pathway": "patient care"})
    assert b"Bronx Community Clinic" in found.data
    base = f"/teacher/course/{course_id}/placements"
    page = flow.client.get(base).get_data(as_text=True)
    student_id = re.search(r'<option value="(\d+)">Maya Lopez', page)
    task_id = re.search(r'<option value="(\d+)">Clinic internship', page)
    assert student_id and task_id
    placed = flow.client.post(base, data={
        "csrf_token": _csrf(flow, base), "student_id": student_id.group(1),
        "task_id": task_id.group(1), "supervisor_id": str(supervisor.id),
        "starts_on": "2026-09-01", "ends_on": "2026-12-01"})
    assert placed.status_code == 302
    placement = db.scalar(select(Placement))
    assert placement is not None
    url = f"/teacher/course/{course_id}/placements/{placement.id}"
    issued = flow.client.post(url + "/link", data={"csrf_token": _csrf(flow, url),
                                                   "send_mail": "1"})
    assert issued.status_code == 302
    shown = flow.client.get(url).get_data(as_text=True)
    assert re.search(r'value="https://worklink\.test/employer/open#ey[\w.-]+"', shown)
    assert "<svg" in shown and "waiting to be sent" in shown
    mail = db.scalar(select(OutboundMail))
    assert mail is not None and mail.to_address == "ana@clinic.example.org"
    assert mail.language == "es"
    link = db.scalar(select(EmployerLink))
    assert link is not None
    revoked = flow.client.post(f"/teacher/course/{course_id}/links/{link.id}/revoke",
                               data={"csrf_token": _csrf(flow, url)})
    assert revoked.status_code == 302
    db.refresh(link)
    assert link.revoked_at is not None
    audit = flow.client.get(f"/teacher/course/{course_id}/audit").get_data(as_text=True)
    assert "issued a rating link to Ana Reyes" in audit and "The teacher revoked the link" in audit
    assert link.jti not in audit


def test_a_csv_with_problems_is_reported_by_line_and_places_nobody(
        flow: Flow, db: Session, course_id: int) -> None:
    _partner_with_supervisor(flow, db, course_id)
    base = f"/teacher/course/{course_id}/placements"
    text = ("student,partner,supervisor_email,task,start_date,end_date\n"
            "maya@students.example.org,Bronx Community Clinic,ana@clinic.example.org,"
            "Clinic internship,2026-09-01,2026-12-01\n"
            "ghost@students.example.org,Bronx Community Clinic,ana@clinic.example.org,"
            "Clinic internship,2026-09-01,2026-12-01\n")
    response = flow.client.post(base, data={"csrf_token": _csrf(flow, base),
                                            "csv": (io.BytesIO(text.encode()), "class.csv")},
                                content_type="multipart/form-data")
    assert response.status_code == 422
    assert "line 3, column &#39;student&#39;: No student" in response.get_data(as_text=True)
    assert db.scalar(select(Placement)) is None


def test_a_placement_that_ends_before_it_starts_names_both_days_in_words(
        flow: Flow, db: Session, course_id: int) -> None:
    """Not as ISO dates (“It ends (2026-09-01)…”): one by one, and from a CSV file."""
    supervisor = _partner_with_supervisor(flow, db, course_id)
    base = f"/teacher/course/{course_id}/placements"
    page = flow.client.get(base).get_data(as_text=True)
    student = re.search(r'<option value="(\d+)">Maya Lopez', page)
    task = re.search(r'<option value="(\d+)">Clinic internship', page)
    assert student and task
    one = flow.client.post(base, data={
        "csrf_token": _csrf(flow, base), "student_id": student.group(1),
        "task_id": task.group(1), "supervisor_id": str(supervisor.id),
        "starts_on": "2026-12-01", "ends_on": "2026-09-01"})
    text = ("student,partner,supervisor_email,task,start_date,end_date\n"
            "maya@students.example.org,Bronx Community Clinic,ana@clinic.example.org,"
            "Clinic internship,12/1/2026,9/1/2026\n")
    csv = flow.client.post(base, data={"csrf_token": _csrf(flow, base),
                                       "csv": (io.BytesIO(text.encode()), "class.csv")},
                           content_type="multipart/form-data")
    for answer in (one, csv):
        assert answer.status_code == 422
        assert "It ends (Sep 1, 2026) before it starts (Dec 1, 2026)." in answer.get_data(
            as_text=True)
    assert db.scalar(select(Placement)) is None


def test_the_teacher_adjusts_one_criterion_with_a_reason_and_accepts(
        flow: Flow, db: Session, course_id: int) -> None:
    supervisor = _partner_with_supervisor(flow, db, course_id)
    context = course_context(db)
    placement = create_placement(db, context, _roster(db, course_id), PlacementDraft(
        student_id=next(iter(_roster(db, course_id).values())), partner_id=supervisor.partner_id,
        supervisor_id=supervisor.id, task_id=_task_id(db), starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 1)))
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=supervisor.id)
    employer = Actor("employer", "Ana Reyes")
    ratings.save(db, rating, rubric, {c: Choice("Proficient") for c in CRITERIA}, employer)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   employer)
    waiting = flow.client.get(f"/teacher/course/{course_id}/ratings").get_data(as_text=True)
    assert "Maya Lopez" in waiting
    url = f"/teacher/course/{course_id}/placements/{placement.id}/rating"
    form = {"csrf_token": _csrf(flow, url), "action": "accept",
            **{f"level:{c}": "Proficient" for c in CRITERIA}}
    form["level:Communication"] = "Advanced"
    refused = flow.client.post(url, data=form)
    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    form["reason:Communication"] = "Led the morning huddle"
    assert flow.client.post(url, data=form).status_code == 302
    final = db.scalar(select(FinalScore).where(FinalScore.placement_id == placement.id))
    assert final is not None
    adjusted = next(c for c in final.criteria if c.criterion == "Communication")
    assert (adjusted.level, adjusted.employer_level, adjusted.reason) == (
        "Advanced", "Proficient", "Led the morning huddle")
    db.refresh(rating)
    assert rating.status == "accepted"
    audit = flow.client.get(f"/teacher/course/{course_id}/audit").get_data(as_text=True)
    assert "accepted the employer&#39;s rating" in audit and "Led the morning huddle" in audit


def test_a_student_cannot_open_the_partner_pages(flow: Flow, db: Session,
                                                 course_id: int) -> None:
    flow.launch(role="Learner", sub="student-1", name="Maya Lopez",
                email="maya@students.example.org")
    for path in ("partners", "placements", "ratings", "audit"):
        assert flow.client.get(f"/teacher/course/{course_id}/{path}").status_code == 403


def _roster(db: Session, course_id: int) -> dict[str, int]:
    return {u.email or u.sub: u.id for u in db.scalars(
        select(User).join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == course_id, Enrollment.role == "student"))}


def _task_id(db: Session) -> int:
    task_id = db.scalar(select(Task.id).where(Task.title == "Clinic internship"))
    assert task_id is not None
    return task_id



def test_a_link_for_a_task_without_a_rubric_is_refused_in_words_and_issues_nothing(
        flow: Flow, db: Session, course_id: int) -> None:
    supervisor = _partner_with_supervisor(flow, db, course_id)
    context = course_context(db)
    bare = library.create_task(db, context, draft(title="Shadow day", employer_scored=True))
    placement = create_placement(db, context, _roster(db, course_id), PlacementDraft(
        student_id=next(iter(_roster(db, course_id).values())), partner_id=supervisor.partner_id,
        supervisor_id=supervisor.id, task_id=bare.id, starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 1)))
    url = f"/teacher/course/{course_id}/placements/{placement.id}"

    one = flow.client.post(url + "/link", data={"csrf_token": _csrf(flow, url), "send_mail": "1"})
    every = flow.client.post(f"/teacher/course/{course_id}/placements/links",
                             data={"csrf_token": _csrf(flow, url)})

    for answer in (one, every):
        assert answer.status_code == 422
        assert "“Shadow day” has no rubric for an employer to rate" in answer.get_data(as_text=True)
    assert db.scalars(select(EmployerLink)).all() == []
    assert db.scalars(select(OutboundMail)).all() == []


def test_a_placement_on_a_shared_template_cannot_change_how_every_course_scores_it(
        flow: Flow, db: Session, course_id: int) -> None:
    """A placement still opening a Worklink template (placed before templates were copied):
    its scoring policy is the template's, for every course, so this page shows it and does
    not change it."""
    supervisor = _partner_with_supervisor(flow, db, course_id)
    context = course_context(db)
    template = library.create_template(db, draft(title="Job shadow", employer_scored=True))
    template.rubric = stored_rubric.write(db, starters.load("employability-skills"),
                                          skip_unknown_items=True)
    db.flush()
    placement = create_placement(db, context, _roster(db, course_id), PlacementDraft(
        student_id=next(iter(_roster(db, course_id).values())), partner_id=supervisor.partner_id,
        supervisor_id=supervisor.id, task_id=template.id, starts_on=dt.date(2026, 9, 1),
        ends_on=dt.date(2026, 12, 1)))
    db.commit()
    url = f"/teacher/course/{course_id}/placements/{placement.id}/rating"
    page = flow.client.get(url).get_data(as_text=True)
    assert "shared with other courses" in page and 'value="policy"' not in page
    refused = flow.client.post(url, data={"csrf_token": _csrf(flow, url), "action": "policy",
                                          "accept_employer_ratings": "1"})
    assert refused.status_code == 422
    assert "shared with other courses" in refused.get_data(as_text=True)
    assert ratings.policy_for(db, template.id).accept_employer_ratings is False
