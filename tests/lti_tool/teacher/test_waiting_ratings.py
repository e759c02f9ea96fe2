"""The submission page tells the teacher, before they score, of every employer rating of the
work waiting for them, whichever of the student's placements it came through; scoring there
supersedes them all, each placement's history saying so."""

from __future__ import annotations

import html

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.model import Placement
from competencies.scoring import ratings
from competencies.scoring.model import RubricRating
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks.vocabulary import AskedArtifact
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_score_submission import CRITERIA, _levels
from tests.lti_tool.teacher.test_scored_count import _place
from tests.lti_tool.teacher.test_submissions_view import hand_in


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION))


def _supervisor_rates(db: Session, placement: Placement, *, submit: bool = True) -> RubricRating:
    name = placement.supervisor.name
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER, name=name,
                                 supervisor_id=placement.supervisor_id)
    ratings.save(db, rating, rubric, {c: Choice("Proficient") for c in CRITERIA},
                 Actor("employer", name))
    if submit:
        ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), name,
                       Actor("employer", name))
    return rating


def test_ratings_from_two_placements_are_both_shown_waiting_and_both_superseded(
        placed: PlacedClass) -> None:
    placed.student("student-1")
    clinic = _place(placed, "student-1", "Harlem Hospital")
    hand_in(placed, "student-1")
    again = _place(placed, "student-1", "Mount Sinai Clinic")  # placed again elsewhere
    waiting = [_supervisor_rates(placed.db, p) for p in (clinic, again)]
    submission = placed.submission("student-1")
    assert submission.placement_id == clinic.id

    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{submission.id}"
    page = placed.view(url).get_data(as_text=True)
    said = text(page)
    notice = said.index("Ratings of this work from 2 employers are waiting for moderation")
    assert notice < said.index("Score the rubric")
    for placement in (clinic, again):
        assert (f"/teacher/course/{placed.course_id}/placements/{placement.id}/rating"
                in page)
        assert f"Moderate {placement.supervisor.name}'s rating" in said
    assert "Scoring the rubric here replaces all of them." in said

    assert placed.post(url + "/score", _levels()).status_code == 303
    db = placed.db
    db.expire_all()
    assert [db.get(RubricRating, r.id).status for r in waiting] == [  # type: ignore[union-attr]
        "superseded", "superseded"]
    assert "waiting for moderation" not in text(placed.page)
    for placement in (clinic, again):
        history = html.unescape(text(placed.view(
            f"/teacher/course/{placed.course_id}/placements/{placement.id}"
        ).get_data(as_text=True)))
        assert (f"Person teacher-1 (teacher) decided the final score in place of "
                f"{placement.supervisor.name}'s rating" in history), placement.id
        assert "The rating was waiting for moderation." in history


def test_one_waiting_rating_is_named_with_its_own_placements_moderation(
        placed: PlacedClass) -> None:
    """Placed only after handing in: the rating comes through that later placement."""
    hand_in(placed, "student-1")
    later = _place(placed, "student-1", "Harlem Hospital")
    _supervisor_rates(placed.db, later)
    submission = placed.submission("student-1")
    assert submission.placement_id is None
    placed.launch("Instructor", "teacher-1")
    page = placed.view(f"/teacher/course/{placed.course_id}/submissions/{submission.id}"
                       ).get_data(as_text=True)
    assert (f"{later.supervisor.name}'s rating of this work is waiting for moderation."
            in text(page))
    assert f"/teacher/course/{placed.course_id}/placements/{later.id}/rating" in page
    assert "Scoring the rubric here replaces it." in text(page)
    assert placed.db.scalar(select(RubricRating.status)) == "pending"


def test_a_placements_rating_page_says_scoring_there_replaces_the_other_placements_ratings(
        placed: PlacedClass) -> None:
    """Placed at the clinic, then again at a second clinic: both supervisors' ratings wait. The
    first placement's own page names both before its scoring form, each linked."""
    placed.student("student-1")
    clinic = _place(placed, "student-1", "Harlem Hospital")
    hand_in(placed, "student-1")
    again = _place(placed, "student-1", "Mount Sinai Clinic")
    _supervisor_rates(placed.db, clinic)
    _supervisor_rates(placed.db, again)

    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/placements/{clinic.id}/rating"
    page = placed.view(url).get_data(as_text=True)
    direct = page.index("Score the rubric yourself")
    said = text(page[direct:])
    assert said.index("Ratings of this work from 2 employers are waiting for moderation") < (
        said.index("Save as the final score"))
    assert "Scoring the rubric here replaces all of them." in said
    assert f"Moderate {again.supervisor.name}'s rating" in said
    assert (f'href="/teacher/course/{placed.course_id}/placements/{again.id}/rating"'
            in page[direct:])
    assert 'href="#pending-heading"' in page[direct:]  # its own rating, above on this page


def test_a_placements_rating_page_names_the_one_rating_waiting_on_another_placement(
        placed: PlacedClass) -> None:
    placed.student("student-1")
    clinic = _place(placed, "student-1", "Harlem Hospital")
    hand_in(placed, "student-1")
    again = _place(placed, "student-1", "Mount Sinai Clinic")
    _supervisor_rates(placed.db, again)

    placed.launch("Instructor", "teacher-1")
    page = placed.view(f"/teacher/course/{placed.course_id}/placements/{clinic.id}/rating"
                       ).get_data(as_text=True)
    said = text(page)
    assert (f"{again.supervisor.name}'s rating of this work is waiting for moderation."
            in said)
    assert "Scoring the rubric here replaces it." in said
    assert f"/teacher/course/{placed.course_id}/placements/{again.id}/rating" in page
