"""Accepting one employer's rating while another placement's rating of the same work waits: the
teacher is told before accepting that the other waits, and a later acceptance says first that it
replaces the final score. By design a rating the teacher accepts later replaces the final score
(competencies.scoring.finals), so the other is not set aside; it is never replaced silently."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.partners.model import Placement
from competencies.scoring.model import FinalScore, RubricRating
from competencies.tasks.vocabulary import AskedArtifact
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_score_submission import CRITERIA
from tests.lti_tool.teacher.test_scored_count import _place
from tests.lti_tool.teacher.test_submissions_view import hand_in
from tests.lti_tool.teacher.test_waiting_ratings import _supervisor_rates


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION))


_REPLACES = re.compile(r'name="replaces" value="([^"]*)"')


def _placed_twice_both_rated(placed: PlacedClass) -> tuple[Placement, Placement]:
    placed.student("student-1")
    clinic = _place(placed, "student-1", "Harlem Hospital")
    hand_in(placed, "student-1")
    again = _place(placed, "student-1", "Mount Sinai Clinic")
    for placement in (clinic, again):
        _supervisor_rates(placed.db, placement)
    placed.launch("Instructor", "teacher-1")
    return clinic, again


def _url(placed: PlacedClass, placement: Placement) -> str:
    return f"/teacher/course/{placed.course_id}/placements/{placement.id}/rating"


def _accept(placed: PlacedClass, placement: Placement, page: str) -> int:
    """Accept the placement's rating as the page shown last offered it."""
    replaces = _REPLACES.search(page)
    assert replaces is not None
    return placed.post(_url(placed, placement), {
        "action": "accept", "replaces": replaces.group(1),
        **{f"level:{c}": "Proficient" for c in CRITERIA}}).status_code


def test_before_accepting_the_teacher_reads_that_another_placements_rating_waits(
        placed: PlacedClass) -> None:
    clinic, again = _placed_twice_both_rated(placed)
    page = placed.view(_url(placed, clinic)).get_data(as_text=True)
    pending = page[page.index('id="pending-heading"'):page.index('id="direct-heading"')]
    said = text(pending)
    notice = said.index("1 other employer's rating of this work is also waiting for moderation")
    assert notice < said.index("Accept (with any changes)")
    assert f"Moderate {again.supervisor.name}'s rating" in said
    assert f'href="{_url(placed, again)}"' in pending
    assert ("Accepting this rating makes the final score; the other stays waiting, and "
            "accepting it later replaces the final score.") in said
    assert "already has a final score" not in said

    assert _accept(placed, clinic, page) == 302
    placed.db.expire_all()
    statuses: dict[int, str] = dict(placed.db.execute(select(RubricRating.placement_id, RubricRating.status)).all())
    assert statuses == {clinic.id: "accepted", again.id: "pending"}  # kept, by design


def test_accepting_a_rating_over_a_final_score_says_first_it_replaces_it(
        placed: PlacedClass) -> None:
    clinic, again = _placed_twice_both_rated(placed)
    _accept(placed, clinic, placed.view(_url(placed, clinic)).get_data(as_text=True))
    page = placed.view(_url(placed, again)).get_data(as_text=True)
    pending = page[page.index('id="pending-heading"'):page.index('id="direct-heading"')]
    said = text(pending)
    notice = said.index("This work already has a final score, 10 / 15, decided by "
                        "Person teacher-1. Accepting this rating replaces it.")
    assert notice < said.index("Accept (with any changes)")


def test_a_rating_page_opened_before_another_was_accepted_replaces_nothing_silently(
        placed: PlacedClass) -> None:
    """Two tabs: the second placement's page was opened before the first rating was accepted."""
    clinic, again = _placed_twice_both_rated(placed)
    stale = placed.view(_url(placed, again)).get_data(as_text=True)
    _accept(placed, clinic, placed.view(_url(placed, clinic)).get_data(as_text=True))
    placed.db.expire_all()
    decided = placed.db.scalar(select(FinalScore))
    assert decided is not None and decided.source_rating_id is not None
    before = (decided.id, decided.source_rating_id)

    placed.page = stale
    assert _accept(placed, again, stale) == 422
    assert ("The final score of this work was decided since this page was opened, so "
            "nothing was saved. Read it above, and accept this rating again if it should "
            "replace it.") in text(placed.page)
    placed.db.expire_all()
    final = placed.db.scalar(select(FinalScore))
    assert final is not None and (final.id, final.source_rating_id) == before
    assert placed.db.scalar(select(RubricRating.status).where(
        RubricRating.placement_id == again.id)) == "pending"
