"""The employer's page shows the student's handed-in work and lets the supervisor review hours."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import AuditEvent
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import submissions
from competencies.work.entries import add_link, save_reflection
from competencies.work.handing_in import submit
from competencies.work.hours import HoursEntry, log_hours
from competencies.work.model import Artifact
from lti_tool import course_time
from lti_tool.config import Config
from lti_tool.employer import issuing
from lti_tool.storage import artifact_store, new_key
from tests.competencies.work.factories import NOW, TODAY, classwork, photo, stored_rows
from tests.lti_tool.employer.conftest import TEACHER, all_levels, form_token, open_link

ASKED = (AskedArtifact.FILES, AskedArtifact.LINKS, AskedArtifact.REFLECTION,
         AskedArtifact.HOURS_LOG)


@dataclasses.dataclass
class HandedIn:
    token: str
    placement_id: int
    entry: Artifact
    other_entry: Artifact


PHOTO = b"\xff\xd8\xff\xe0 a re-encoded photo's bytes"


@pytest.fixture
def handed_in(app: Flask, db: Session, config: Config) -> HandedIn:
    work = classwork(db, asked=ASKED)
    placement = work.school.place(db)
    submission = work.open(db)
    store, key, thumb = artifact_store(app), new_key(), new_key("thumbnails", ".jpg")
    store.put(key, [PHOTO])
    store.put(thumb, [b"thumbnail"])
    submissions.add_file(db, submission, dataclasses.replace(
        photo(1), key=key, thumbnail_key=thumb, size=len(PHOTO)), NOW)
    add_link(db, submission, "https://portfolio.example.org/amani", "My portfolio", NOW)
    save_reflection(db, submission, "<p>I learned <strong>triage</strong>.</p>", NOW)
    entry = log_hours(db, submission, HoursEntry(TODAY, "Triage with the charge nurse", hours=4,
                                                 site="Bronx Community Clinic"), TODAY, NOW)
    submit(db, submission, NOW, due_at=None)
    other = log_hours(db, work.open(db, 1), HoursEntry(TODAY, "Filing", hours=2), TODAY, NOW)
    link = issuing.issue_link(db, config, placement, TEACHER)
    db.commit()
    return HandedIn(link.url.split("#", 1)[1], placement.id, entry, other)


def test_the_supervisor_sees_the_handed_in_work_and_the_hours(
        client: FlaskClient, handed_in: HandedIn) -> None:
    open_link(client, handed_in.token)
    page = client.get("/employer/review").get_data(as_text=True)
    assert "site-1.jpg" in page and "image/jpeg" in page
    # The supervisor has no session: the file and its thumbnail by signed one-file URLs.
    [download] = re.findall(r'href="(/files/s/[^"]+)"', page)
    assert page.count('src="/files/s/') == 1
    answer = client.get(download)
    assert answer.status_code == 200 and answer.data == PHOTO
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert 'href="https://portfolio.example.org/amani"' in page and "nofollow" in page
    assert "<strong>triage</strong>" in page
    assert "Triage with the charge nurse" in page and "Bronx Community Clinic" in page
    assert "4 hours logged, 0 confirmed by you" in page
    assert "Confirm these hours" in page


def test_confirming_hours_counts_them_locks_them_and_is_audited(
        client: FlaskClient, db: Session, handed_in: HandedIn) -> None:
    open_link(client, handed_in.token)
    token = form_token(client)
    response = client.post("/employer/hours", data={"form_token": token, "action": "confirm",
                                                    "entry": str(handed_in.entry.id)})
    assert response.status_code == 200 and "Hours confirmed." in response.get_data(as_text=True)
    db.refresh(handed_in.entry)
    assert handed_in.entry.confirmation == "confirmed"
    assert handed_in.entry.reviewed_by == "Ana Reyes"
    assert "4 hours logged, 4 confirmed by you" in response.get_data(as_text=True)
    actions = list(db.scalars(select(AuditEvent.action).where(
        AuditEvent.placement_id == handed_in.placement_id)))
    assert "hours.confirmed" in actions


def test_a_dispute_says_why_and_the_student_sees_it(
        client: FlaskClient, db: Session, handed_in: HandedIn) -> None:
    open_link(client, handed_in.token)
    response = client.post("/employer/hours", data={
        "form_token": form_token(client), "action": "dispute", "entry": str(handed_in.entry.id),
        "note": "Amani was here 3 hours that day"})
    assert response.status_code == 200
    db.refresh(handed_in.entry)
    assert handed_in.entry.confirmation == "disputed"
    assert handed_in.entry.review_note == "Amani was here 3 hours that day"


@pytest.mark.parametrize(("form", "message"), [
    ({"action": "dispute", "note": "  "}, "Say what is wrong"),
    ({"action": "approve"}, "confirm or to dispute"),
    ({"action": "confirm", "entry": "other"}, "not in this student"),
    ({"action": "confirm", "entry": "999999"}, "not in this student"),
    ({"action": "confirm", "entry": "x"}, "not in this student"),
])
def test_a_bad_review_gets_its_message_and_changes_nothing(
        client: FlaskClient, db: Session, handed_in: HandedIn, form: dict[str, str],
        message: str) -> None:
    open_link(client, handed_in.token)
    token = form_token(client)
    entry = {"other": str(handed_in.other_entry.id)}.get(form.get("entry", ""),
                                                         form.get("entry", str(handed_in.entry.id)))
    before = stored_rows(db)
    response = client.post("/employer/hours", data={"form_token": token, **form, "entry": entry})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    assert stored_rows(db) == before


def test_the_day_the_work_was_handed_in_is_the_courses_day(
        client: FlaskClient, db: Session, config: Config) -> None:
    """Handed in at 7 PM in Los Angeles on November 1: already November 2 in UTC."""
    work = classwork(db, asked=(AskedArtifact.LINKS,))
    course_time.set_zone(db, work.school.context.course_id, "America/Los_Angeles")
    placement = work.school.place(db)
    submission = work.open(db)
    add_link(db, submission, "https://portfolio.example.org/amani", "My portfolio", NOW)
    submit(db, submission, dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC), due_at=None)
    link = issuing.issue_link(db, config, placement, TEACHER)
    db.commit()
    open_link(client, link.url.split("#", 1)[1])

    page = client.get("/employer/review").get_data(as_text=True)

    assert "Handed in on Nov 1, 2026 (version 1)." in page


def test_a_review_without_the_pages_token_is_refused(
        client: FlaskClient, db: Session, handed_in: HandedIn) -> None:
    open_link(client, handed_in.token)
    response = client.post("/employer/hours", data={"action": "confirm",
                                                    "entry": str(handed_in.entry.id)})
    assert response.status_code == 403
    db.refresh(handed_in.entry)
    assert handed_in.entry.confirmation in (None, "unconfirmed")


def test_after_the_rating_is_submitted_the_hours_are_read_only(
        client: FlaskClient, db: Session, handed_in: HandedIn) -> None:
    open_link(client, handed_in.token)
    token = form_token(client)
    done = client.post("/employer/submit", data={"form_token": token, **all_levels(),
                                                 "signature": "Ana Reyes"})
    assert done.status_code == 303
    page = client.get("/employer/review").get_data(as_text=True)
    assert "Confirm these hours" not in page and "Triage with the charge nurse" in page
    late = client.post("/employer/hours", data={"form_token": token, "action": "confirm",
                                                "entry": str(handed_in.entry.id)})
    assert late.status_code == 409
