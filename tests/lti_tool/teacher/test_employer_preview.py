"""The teacher's employer preview shows the rubric as the supervisor's real page does, and
can send, issue or store nothing."""

from __future__ import annotations

import dataclasses
import re

import lxml.html
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.orm import Base
from competencies.scoring import ratings
from lti_tool.config import Config
from tests.lti_tool.employer.conftest import open_link, placed_with_supervisor
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import course_context
from tests.lti_tool.teacher.test_tasks import _course_id, _create, _csrf, _rubric_form

DESCRIBED = {"c0-description": "Speaks with patients and staff clearly and kindly.",
             "c0-l0-description": "Needs prompting to speak up.",
             "c1-description": "Follows the clinic's safety rules."}


@dataclasses.dataclass
class Linked:
    preview_url: str
    token: str


@pytest.fixture
def linked(flow: Flow, db: Session, config: Config) -> Linked:
    """A task whose rubric describes its criteria and requires a comment for the lowest level,
    a student placed on it, and their supervisor's link."""
    flow.launch(role="Learner", sub="student-1", name="Maya Lopez")
    flow.launch(role="Instructor")
    course = _course_id(db)
    task_id = _create(flow, course)
    url = f"/teacher/course/{course}/tasks/{task_id}/rubric"
    assert flow.client.post(url, data={**_rubric_form(_csrf(flow, url)), **DESCRIBED}).status_code == 302
    ratings.set_policy(db, course_context(db), task_id, accept_employer_ratings=False,
                       comment_required_for_lowest=True)
    _, token = placed_with_supervisor(flow, db, config, course, task_id)
    return Linked(f"/teacher/course/{course}/tasks/{task_id}/preview/employer", token)


def _rating_fields(page: str) -> str:
    """The rubric as the supervisor rates it, from the "Rating" heading to the overall comment,
    with the preview's ``disabled`` left out."""
    found = re.search(r"<h2>Rating</h2>.*?<textarea name=\"overall\"[^>]*>", page, flags=re.S)
    assert found is not None
    return re.sub(r"\s+>", ">", " ".join(found.group(0).replace(" disabled", "").split()))


def _rows(db: Session) -> dict[str, int]:
    return {table.name: db.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables}


def test_the_preview_shows_the_rubric_as_the_employers_page_does(
        app: Flask, flow: Flow, linked: Linked) -> None:
    preview = flow.client.get(linked.preview_url).get_data(as_text=True)
    employer = app.test_client()
    open_link(employer, linked.token)
    page = employer.get("/employer/review?lang=en").get_data(as_text=True)

    assert _rating_fields(preview) == _rating_fields(page)
    fields = lxml.html.fromstring(_rating_fields(page))
    assert [" ".join(p.text_content().split()) for p in fields.xpath("//p[@class='hint']")] == [
        DESCRIBED["c0-description"], DESCRIBED["c1-description"]]
    assert [" ".join(label.text_content().split()) for label in fields.xpath("//label[@class='level']")] == [
        "Beginning (0 points) — Needs prompting to speak up.", "Proficient (5 points)",
        "Advanced (7.5 points)", "Not yet (0 points)", "Meets (2.5 points)"]
    assert len(fields.xpath("//label[@class='level not-observed']")) == 2
    assert [t.get("name") for t in fields.xpath("//textarea")] == [
        "comment:Communication", "comment:Safety", "overall"]
    assert "Comment (required for the lowest level, Beginning)" in _rating_fields(page)


def test_the_preview_has_no_form_and_every_field_is_disabled(flow: Flow, linked: Linked) -> None:
    page = flow.client.get(linked.preview_url).get_data(as_text=True)
    preview = lxml.html.fromstring(page).xpath("//article[@class='preview']")[0]
    controls = preview.xpath(".//input | .//textarea | .//button")
    assert len(controls) == 5 + 2 + 3 + 2  # levels, not observed, comments, signature, send
    assert preview.xpath(".//form") == []
    assert [c for c in controls if c.get("disabled") is None
            and not c.xpath("ancestor::fieldset[@disabled]")] == []
    assert [b for b in preview.xpath(".//button") if b.get("type") != "button"] == []


def test_previewing_stores_nothing_opening_the_real_page_does(
        app: Flask, flow: Flow, db: Session, linked: Linked) -> None:
    """No rating opened, no link issued, no audit event: the preview reads no student's data."""
    before = _rows(db)
    assert flow.client.get(linked.preview_url).status_code == 200
    assert _rows(db) == before
    open_link(app.test_client(), linked.token)
    assert _rows(db) != before  # the count would see a write
