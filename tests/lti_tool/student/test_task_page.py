"""The student's task page: a checklist of what the task asks, forms to add each, and hand-in."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.work.model import Artifact, PlacedTaskWork
from lti_tool.lti.custom_params import sign_task_reference
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import ALL_KINDS, LINK, PlacedClass, stored, text
from tests.lti_tool.teacher.test_accessible_forms import _unnamed_controls


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, due_at=utcnow() - dt.timedelta(days=1))


def test_the_launch_shows_a_checklist_with_everything_missing(placed: PlacedClass) -> None:
    page = text(placed.student())
    assert "Status Not started" in page
    assert "Links: missing" in page and "Reflection: missing" in page
    assert "Hours log: missing" in page
    assert "Late: the due date has passed. You can still hand it in." in page
    assert "Standards and competencies this task builds" in page  # the task is still described


def test_a_student_adds_a_link_logs_hours_reflects_and_hands_in(placed: PlacedClass) -> None:
    placed.student()
    assert placed.work("links", {"url": "https://portfolio.example.org/clinic",
                                 "title": "My portfolio"}).status_code == 303
    page = text(placed.page)
    assert "Saved." in page and "Links: done (1)" in page and "Status Draft" in page
    today = dt.date.today().isoformat()
    assert placed.work("hours", {"work_date": today, "starts_at": "09:00", "ends_at": "12:30",
                                 "activity": "Took vitals", "site": "Bronx Clinic"}
                       ).status_code == 303
    assert "3.5 of 4 hours logged" in text(placed.page)
    assert placed.work("reflection", {"reflection": "<div>I learned to listen.</div>"}
                       ).status_code == 303
    response = placed.work("submit", {"learned": "Vitals", "recommend": "yes",
                                      "rating_experience": "5"})
    assert response.status_code == 303
    page = text(placed.page)
    assert "Handed in. Your teacher can see your work now." in page
    assert "Status Submitted" in page and "Version 1" in page and "Late" in page
    assert "I learned to listen." in page
    assert 'action="/student/course' not in placed.page.split('id="history"')[0].split(
        'id="links"')[1]  # no form to change handed-in work


def test_hours_written_with_a_decimal_comma_are_the_same_hours(placed: PlacedClass) -> None:
    placed.student()
    today = dt.date.today().isoformat()
    assert placed.work("hours", {"work_date": today, "hours": "2,5", "activity": "Filing"}
                       ).status_code == 303
    assert "2.5 of 4 hours logged" in text(placed.page)


def test_a_spanish_student_writes_hours_with_a_decimal_comma(placed: PlacedClass,
                                                           db: Session) -> None:
    """A browser without number fields, or a pasted value: “2,5” as Spanish writes it."""
    placed.student(locale="es")
    today = dt.date.today().isoformat()
    assert placed.work("hours", {"work_date": today, "hours": "2,5", "activity": "Archivo"}
                       ).status_code == 303
    assert "2,5 de 4 horas registradas" in text(placed.page)
    db.expire_all()
    assert db.scalar(select(Artifact.hours).where(Artifact.kind == "hours")) == 2.5


@pytest.mark.parametrize(("language", "hint"), [
    ("en", "Give the hours as a number, like 3.5."),
    ("es", "Escribe las horas como un número, como 3,5."),
])
def test_the_hours_hint_writes_its_example_as_the_readers_language_does(
        placed: PlacedClass, language: str, hint: str) -> None:
    placed.student(locale=language)
    response = placed.work("hours", {"work_date": "2026-01-05", "hours": "dos y media",
                                     "activity": "Archivo"})
    assert response.status_code == 422 and hint in text(placed.page)


@pytest.mark.parametrize(("form", "data", "message", "field"), [
    ("links", {"url": "javascript:alert(1)"}, "must start with http:// or https://", "link-url"),
    ("links", {"url": "ftp://example.org/x"}, "must start with http:// or https://", "link-url"),
    ("hours", {"work_date": "2999-01-01", "hours": "2", "activity": "Filing"},
     "The date Jan 1, 2999 is in the future", "hours-date"),
    ("hours", {"work_date": "2026-01-05", "hours": "-3", "activity": "Filing"},
     "Hours must be more than 0.", "hours-hours"),
    ("hours", {"work_date": "2026-01-05", "starts_at": "13:00", "ends_at": "09:00",
               "activity": "Filing"}, "is not after the start time", "hours-end"),
    ("hours", {"work_date": "2026-01-05", "starts_at": "09:00", "ends_at": "13:30",
               "hours": "1", "activity": "Filing"},
     "1 hour does not match 09:00 to 13:30; give the times or the hours.", "hours-hours"),
    ("hours", {"work_date": "5 Jan", "hours": "2", "activity": "Filing"},
     "Give the date as year-month-day.", "hours-date"),
    ("hours", {"work_date": "2026-01-05", "hours": "2½", "activity": "Filing"},
     "Give the hours as a number, like 3.5.", "hours-hours"),
    ("hours", {"work_date": "2026-01-05", "hours": "1,000.5", "activity": "Filing"},
     "One entry can hold at most 24 hours", "hours-hours"),
    ("hours", {"work_date": "2026-01-05", "hours": "nan", "activity": "Filing"},
     "Give the hours as a number, like 3.5.", "hours-hours"),
    ("submit", {}, "Before handing in, add what the task still asks for: Links, Reflection, "
                   "Hours log.", "submit-button"),
    ("submit", {"rating_support": "9"}, "Ratings go from 1 to 5.", "survey-rating_experience-1"),
])
def test_bad_input_gets_a_precise_message_linked_to_its_field_and_stores_nothing(
        placed: PlacedClass, db: Session, form: str, data: dict[str, str], message: str,
        field: str) -> None:
    placed.student()
    before = stored(db)
    response = placed.work(form, data)
    assert response.status_code == 422
    assert message in text(placed.page)
    assert f'<a href="#{field}">' in placed.page and f'id="{field}"' in placed.page
    assert stored(db) == before


def test_the_refused_form_keeps_what_the_student_typed(placed: PlacedClass) -> None:
    placed.student()
    placed.work("hours", {"work_date": "2999-01-01", "hours": "2", "activity": "Filed charts"})
    assert "Filed charts</textarea>" in placed.page and 'value="2999-01-01"' in placed.page


def test_a_reflection_with_script_is_kept_without_it(placed: PlacedClass) -> None:
    placed.student()
    placed.work("reflection", {"reflection": "<div>Triage<script>alert(1)</script>"
                                             "<img src=x onerror=alert(2)></div>"})
    reflection = placed.page.split('id="reflection-section"')[1].split("</section>")[0]
    assert "&lt;div&gt;Triage&lt;/div&gt;</textarea>" in reflection and "alert(" not in reflection


def test_another_students_submission_is_not_found(placed: PlacedClass) -> None:
    placed.student("student-1")
    placed.work("links", {"url": "https://example.org/mine"})
    mine = placed.submission("student-1")
    artifact_page = placed.page
    placed.student("student-2")
    assert placed.view(f"/student/course/{placed.course_id}/submission/{mine.id}"
                       ).status_code == 404
    assert "example.org/mine" not in placed.view().get_data(as_text=True)
    before = stored(placed.db)
    remove = artifact_page.split('/artifacts/')[1].split("/remove")[0]
    response = placed.post(f"/student/course/{placed.course_id}/submission/{mine.id}/artifacts/"
                           f"{remove}/remove", {})
    assert response.status_code == 404 and stored(placed.db) == before
    placed.student("student-1")
    assert placed.view(f"/student/course/{placed.course_id}/submission/{mine.id}"
                       ).status_code == 303


def test_a_closed_task_refuses_work_and_says_so(placed: PlacedClass, db: Session) -> None:
    placed.student()
    db.add(PlacedTaskWork(resource_link_id=placed.link_id, closed_at=utcnow()))
    db.commit()
    page = placed.view().get_data(as_text=True)
    assert "Your teacher has closed this task" in page and "Add link" not in page
    before = stored(db)
    response = placed.post(f"{placed.task_url}/links", {"url": "https://example.org/a"})
    assert response.status_code == 422 and "closed this task" in text(placed.page)
    assert stored(db) == before


def test_a_link_of_another_course_is_not_found(placed: PlacedClass) -> None:
    placed.student()
    assert placed.view(f"/student/course/{placed.course_id}/task/{placed.link_id + 99}"
                       ).status_code == 404


def test_every_control_is_labelled_and_the_page_fits_a_phone(placed: PlacedClass) -> None:
    page = placed.student()
    assert _unnamed_controls(page) == []
    assert 'name="viewport"' in page and page.count("<main") == 1
    assert 'type="date"' in page and 'inputmode="decimal"' in page


def test_the_career_interest_is_kept_and_shown(placed: PlacedClass) -> None:
    placed.student()
    placed.view()
    placed.post(f"/student/course/{placed.course_id}/pathway",
                {"pathway": "Patient Care", "link_id": str(placed.link_id)})
    assert 'value="Patient Care"' in placed.page


def test_the_page_is_in_spanish_for_a_spanish_launch(placed: PlacedClass) -> None:
    custom = sign_task_reference(placed.task_id, "course-7", secret=placed.app.config["SECRET_KEY"])
    custom_page = placed.flow.launch(
        role="Learner", sub="student-es", lti_launch_presentation={"locale": "es"},
        lti_custom=custom, lti_resource_link={"id": LINK}).get_data(as_text=True)
    assert "Tu trabajo" in custom_page and "Entregar" in custom_page


def _start(placed: PlacedClass) -> Any:
    placed.view()
    token = re.search(r'name="csrf_token" value="([^"]+)"', placed.page)
    assert token is not None
    return placed.flow.client.post(f"{placed.task_url}/submission",
                                   headers={"X-Worklink-CSRF": token.group(1)})


def test_a_script_starts_the_students_own_submission_once(app: Flask, flow: Flow,
                                                          db: Session) -> None:
    placed = PlacedClass(app, flow, db, asked=ALL_KINDS)
    placed.student("student-1")
    assert "data-submission-id" not in placed.page  # nothing started by looking
    first, again = _start(placed), _start(placed)
    assert first.status_code == 200 and first.json == again.json
    assert first.json["submission_id"] == placed.submission("student-1").id
    assert f'data-submission-id="{first.json["submission_id"]}"' in placed.view().get_data(
        as_text=True)
    placed.student("student-2")
    assert _start(placed).json["submission_id"] != first.json["submission_id"]


def test_starting_a_submission_of_a_closed_task_is_refused(placed: PlacedClass,
                                                           db: Session) -> None:
    placed.student()
    db.add(PlacedTaskWork(resource_link_id=placed.link_id, closed_at=utcnow()))
    db.commit()
    before = stored(db)
    response = _start(placed)
    assert response.status_code == 409 and "closed this task" in response.json["error"]
    assert stored(db) == before


def test_the_student_home_links_each_placed_task(placed: PlacedClass) -> None:
    placed.student()
    home = placed.view(f"/student/course/{placed.course_id}").get_data(as_text=True)
    assert f'href="{placed.task_url}"' in home
