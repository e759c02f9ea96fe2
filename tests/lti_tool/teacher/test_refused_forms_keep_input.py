"""A teacher's form the server refuses comes back with what was typed, every field of it.

Found by the QA pass of the demo: "Add supervisor" with ``rosa@sunrise`` (an address the
browser lets through) came back empty and in English, and "Place a student" with the end
before the start came back with the first task and no dates. The same held for the partner's
kind, the reflection prompts, a moderation's levels and reasons, and an alignment's weight.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import lxml.html
import pytest
from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.models import Item
from competencies.partners.model import Partner, Placement, Supervisor
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.scoring import ratings
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks import library
from competencies.tasks.model import Task, TaskAlignment
from lti_tool.models import Enrollment, User
from tests.competencies.framework_factories import store, tree_package
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass
from tests.lti_tool.task_launch_factories import course_context
from tests.lti_tool.teacher.test_employers import _csrf

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")


class Fields(HTMLParser):
    """What a browser would show in each field of a page: values, choices, checks, text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self.checked: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("id"):
            self.values[found["id"] or ""] = found.get("value") or ""
            if "checked" in found:
                self.checked.add(found["id"] or "")
        elif tag == "select":
            self._select = found.get("id")
        elif tag == "option" and self._select and ("selected" in found
                                                   or self._select not in self.values):
            self.values[self._select] = found.get("value") or ""  # the first, unless one is chosen
        elif tag == "textarea":
            self._textarea = found.get("id")
            self.values[self._textarea or ""] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data


@pytest.fixture
def course_id(flow: Flow, db: Session) -> int:
    """A course with one student, two tasks (one with a rubric), and the teacher signed in."""
    flow.launch(role="Learner", sub="student-1", name="Maya Lopez",
                email="maya@students.example.org")
    flow.launch(role="Instructor")
    context = course_context(db)
    task = library.create_task(db, context, draft(title="Clinic internship",
                                                  employer_scored=True))
    library.use_starter_rubric(db, context, task.id, "employability-skills")
    library.create_task(db, context, draft(title="Pharmacy shadow day"))
    return context.course_id


def _partner(flow: Flow, db: Session, course_id: int) -> Partner:
    base = f"/teacher/course/{course_id}/partners"
    created = flow.client.post(base, data={"csrf_token": _csrf(flow, base),
                                           "name": "Sunrise Pharmacy", "kind": "employer"})
    assert created.status_code == 302
    partner = db.scalar(select(Partner))
    assert partner is not None
    return partner


def _supervisor(flow: Flow, db: Session, course_id: int) -> Supervisor:
    partner = _partner(flow, db, course_id)
    url = f"/teacher/course/{course_id}/partners/{partner.id}"
    added = flow.client.post(url, data={"csrf_token": _csrf(flow, url), "action": "supervisor",
                                        "name": "Ana Reyes", "email": "ana@sunrise.example.org"})
    assert added.status_code == 302
    supervisor = db.scalar(select(Supervisor))
    assert supervisor is not None
    return supervisor


def test_a_refused_supervisor_comes_back_as_typed(flow: Flow, db: Session,
                                                   course_id: int) -> None:
    partner = _partner(flow, db, course_id)
    url = f"/teacher/course/{course_id}/partners/{partner.id}"
    typed = {"action": "supervisor", "name": "Rosa Méndez", "title": "Pharmacist",
             "email": "rosa@sunrise", "phone": "718-555-0142", "language": "es"}

    refused = flow.client.post(url, data={"csrf_token": _csrf(flow, url), **typed})

    assert refused.status_code == 422 and db.scalar(select(Supervisor)) is None
    shown = Fields(refused.get_data(as_text=True)).values
    assert {k: shown[f"s-{k}"] for k in typed if k != "action"} == {
        k: v for k, v in typed.items() if k != "action"}


def test_a_refused_placement_comes_back_as_typed(flow: Flow, db: Session,
                                                 course_id: int) -> None:
    supervisor = _supervisor(flow, db, course_id)
    base = f"/teacher/course/{course_id}/placements"
    page = flow.client.get(base).get_data(as_text=True)
    second_task = re.search(r'<option value="(\d+)">Pharmacy shadow day', page)
    assert second_task is not None and 'value="' + second_task.group(1) + '"' not in \
        page.split('id="task_id"')[1].split("</option>")[0]  # not the first option
    typed = {"task_id": second_task.group(1), "supervisor_id": str(supervisor.id),
             "starts_on": "2026-12-01", "ends_on": "2026-09-01", "expected_hours": "40"}
    student = Fields(page).values["student_id"]

    refused = flow.client.post(base, data={"csrf_token": _csrf(flow, base),
                                           "student_id": student, **typed})

    assert refused.status_code == 422 and db.scalar(select(Placement)) is None
    shown = Fields(refused.get_data(as_text=True)).values
    assert {k: shown[k] for k in typed} == typed and shown["student_id"] == student


def test_a_refused_partner_keeps_its_kind(flow: Flow, course_id: int) -> None:
    base = f"/teacher/course/{course_id}/partners"
    refused = flow.client.post(base, data={"csrf_token": _csrf(flow, base), "name": " ",
                                           "kind": "cbo", "sector": "Food bank"})
    assert refused.status_code == 422
    shown = Fields(refused.get_data(as_text=True)).values
    assert (shown["kind"], shown["sector"]) == ("cbo", "Food bank")


def test_refused_moderation_keeps_the_levels_reasons_and_note(flow: Flow, db: Session,
                                                               course_id: int) -> None:
    supervisor = _supervisor(flow, db, course_id)
    context = course_context(db)
    student = db.scalar(select(User.id).join(Enrollment, Enrollment.user_id == User.id).where(
        Enrollment.course_id == course_id, Enrollment.role == "student"))
    task_id = _task_id(db, "Clinic internship")
    assert student is not None
    placement = create_placement(db, context, {"maya": student}, PlacementDraft(
        student_id=student, partner_id=supervisor.partner_id, supervisor_id=supervisor.id,
        task_id=task_id, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 1)))
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=supervisor.id)
    employer = Actor("employer", "Ana Reyes")
    ratings.save(db, rating, rubric, {c: Choice("Proficient") for c in CRITERIA}, employer)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   employer)
    url = f"/teacher/course/{course_id}/placements/{placement.id}/rating"
    form = {"action": "accept", **{f"level:{c}": "Proficient" for c in CRITERIA},
            "level:Communication": "Advanced", "level:Professionalism": "Advanced",
            "reason:Communication": "Led the morning huddle", "note": "Thank you"}

    refused = flow.client.post(url, data={"csrf_token": _csrf(flow, url), **form})
    scored = flow.client.post(url, data={"csrf_token": _csrf(flow, url), "action": "score",
                                         "level:Communication": "Developing"})

    assert refused.status_code == 422 and "Give a reason" in refused.get_data(as_text=True)
    shown = Fields(refused.get_data(as_text=True)).values
    assert (shown["level-1"], shown["level-3"], shown["reason-1"], shown["note"]) == (
        "Advanced", "Advanced", "Led the morning huddle", "Thank you")
    assert scored.status_code == 422
    direct = Fields(scored.get_data(as_text=True)).values
    assert (direct["direct-1"], direct["direct-2"]) == ("Developing", "")
    assert Fields(scored.get_data(as_text=True)).values["level-1"] == "Proficient"  # untouched


def _task_id(db: Session, title: str) -> int:
    found = db.scalar(select(Task.id).where(Task.title == title))
    assert found is not None
    return found


def test_refused_reflection_prompts_come_back_as_typed(app: Flask, flow: Flow,
                                                       db: Session) -> None:
    placed = PlacedClass(app, flow, db)
    url = f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
    placed.view(url + "/submissions")
    prompts = "\n".join(f"Question {n}?" for n in range(1, 30))

    refused = placed.post(url + "/settings", {"closed": "1", "prompts": prompts})

    assert refused.status_code == 422
    fields = Fields(placed.page)
    assert fields.values["prompts"].strip() == prompts and "closed" in fields.checked


def test_a_refused_alignment_keeps_the_search_and_the_weight(flow: Flow, db: Session,
                                                             course_id: int) -> None:
    store(db, tree_package("hs", "Health Science", [("HS.1", "Communicate with patients", [])]))
    db.commit()
    task_id = _task_id(db, "Pharmacy shadow day")
    url = f"/teacher/course/{course_id}/tasks/{task_id}/alignments"
    page = flow.client.get(url, query_string={"q": "HS.1"}).get_data(as_text=True)
    item = db.scalar(select(Item).where(Item.human_coding_scheme == "HS.1"))
    assert item is not None
    action = re.search(r'<form method="post" class="card" action="([^"]+)"', page)
    assert action is not None and "q=HS.1" in action.group(1)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None

    refused = flow.client.post(action.group(1).replace("&amp;", "&"), data={
        "csrf_token": token.group(1), "item_id": item.id, "alignment_type": "teaches",
        "weight": "500"})

    assert refused.status_code == 422 and db.scalar(select(TaskAlignment)) is None
    shown = Fields(refused.get_data(as_text=True)).values
    assert (shown[f"type-{item.id}"], shown[f"weight-{item.id}"]) == ("teaches", "500")


START = "Give the start date as year-month-day, like 2026-09-01."
END = "Give the end date as year-month-day, like 2026-12-01."
HOURS = "Give the expected hours as a number, like 37.5, or leave them blank for the task's."


@pytest.mark.parametrize(("typed", "expected"), [
    ({"starts_on": "1 Sept 2026"}, {"starts_on": START}),
    ({"starts_on": "", "ends_on": "12/01/2026", "expected_hours": "forty"},
     {"starts_on": START, "ends_on": END, "expected_hours": HOURS}),
    ({"student_id": "", "task_id": "x", "supervisor_id": "999999"},
     {"student_id": "Choose a student from the list.",
      "task_id": "Choose a task from the list.",
      "supervisor_id": "Choose a partner's supervisor from the list."}),
])
def test_each_unreadable_placement_field_gets_its_own_message_linked_to_it(
        flow: Flow, db: Session, course_id: int, typed: dict[str, str],
        expected: dict[str, str]) -> None:
    """Not one sentence for every field (“Choose a student… give the dates as YYYY-MM-DD”):
    each field it cannot read says what it needs, marked and described on the field."""
    supervisor = _supervisor(flow, db, course_id)
    base = f"/teacher/course/{course_id}/placements"
    page = flow.client.get(base).get_data(as_text=True)
    sent = {"student_id": Fields(page).values["student_id"], "supervisor_id": str(supervisor.id),
            "task_id": str(_task_id(db, "Clinic internship")), "starts_on": "2026-09-01",
            "ends_on": "2026-12-01", "expected_hours": "40", **typed}

    refused = flow.client.post(base, data={"csrf_token": _csrf(flow, base), **sent})

    assert refused.status_code == 422 and db.scalar(select(Placement)) is None
    html = lxml.html.fromstring(refused.get_data(as_text=True))
    linked = {a.get("href").removeprefix("#"): a.text_content()
              for a in html.xpath("//*[@id='problems']//a")}
    assert linked == expected
    for field, message in expected.items():
        element = html.get_element_by_id(field)
        assert (element.get("aria-invalid"), element.get("aria-describedby")) == (
            "true", f"problem-{field}")
        assert html.get_element_by_id(f"problem-{field}").text_content() == message
    shown = Fields(refused.get_data(as_text=True)).values
    assert {k: shown[k] for k in ("starts_on", "ends_on", "expected_hours")} == {
        k: sent[k] for k in ("starts_on", "ends_on", "expected_hours")}


def test_a_spanish_teacher_types_expected_hours_with_a_decimal_comma(
        flow: Flow, db: Session, course_id: int) -> None:
    supervisor = _supervisor(flow, db, course_id)
    db.execute(update(User).where(User.sub == "user-123").values(locale="es"))
    db.commit()
    base = f"/teacher/course/{course_id}/placements"
    page = flow.client.get(base).get_data(as_text=True)
    sent = {"student_id": Fields(page).values["student_id"], "supervisor_id": str(supervisor.id),
            "task_id": str(_task_id(db, "Clinic internship")), "starts_on": "2026-09-01",
            "ends_on": "2026-12-01"}

    refused = flow.client.post(base, data={"csrf_token": _csrf(flow, base), **sent,
                                           "expected_hours": "treinta"})
    placed = flow.client.post(base, data={"csrf_token": _csrf(flow, base), **sent,
                                          "expected_hours": "37,5"})

    assert refused.status_code == 422
    assert ("Escribe las horas previstas como un número, como 37,5, o déjalas en blanco para "
            "usar las de la tarea.") in refused.get_data(as_text=True)
    assert placed.status_code == 302
    db.expire_all()
    assert db.scalar(select(Placement.expected_hours)) == 37.5
