"""The class's submissions page counts a final score however it was reached: through the
submission, through the placement the student started with, or through a placement made later
(after the student started, or a second one after the first)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.model import Placement
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.partners.vocabulary import PartnerKind
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.ratings import Choice
from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.models import User
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.task_launch_factories import course_context
from tests.lti_tool.teacher.test_score_submission import CRITERIA, _levels
from tests.lti_tool.teacher.test_submissions_view import hand_in

TEACHER = Actor("teacher", "Person teacher-1")


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION))


def _place(placed: PlacedClass, sub: str, partner: str) -> Placement:
    db, context = placed.db, course_context(placed.db)
    company = directory.create_partner(db, context, PartnerDraft(
        name=partner, kind=PartnerKind.EMPLOYER, sector="Healthcare"))
    supervisor = directory.add_supervisor(db, context, company.id, SupervisorDraft(
        name=f"Supervisor at {partner}", email=f"{sub}@{partner.split()[0].lower()}.example.org"))
    student = db.scalar(select(User.id).where(User.sub == sub))
    assert student is not None
    return create_placement(db, context, {sub: student}, PlacementDraft(
        student_id=student, partner_id=company.id, supervisor_id=supervisor.id,
        task_id=placed.task_id, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 1)))


def _score_placement(placed: PlacedClass, placement: Placement) -> None:
    """The teacher scores the rubric from the placement's rating page: the final score is the
    placement's."""
    version, rubric = ratings.rubric_for(placed.db, placement)
    final = moderation.score_directly(placed.db, Work.of_placement(placed.db, placement), version,
                                      rubric, TEACHER, {n: Choice("Advanced") for n in CRITERIA})
    assert final.placement_id == placement.id


def test_the_scored_count_is_the_rows_scored_however_the_score_was_reached(
        placed: PlacedClass) -> None:
    # Placed only after handing in: the submission started with no placement.
    hand_in(placed, "student-1")
    later = _place(placed, "student-1", "Bronx Community Clinic")
    # Placed before starting, then placed again elsewhere; the second placement is scored.
    placed.student("student-2")
    _place(placed, "student-2", "Harlem Hospital")
    hand_in(placed, "student-2")
    second = _place(placed, "student-2", "Mount Sinai Clinic")
    # Scored from the submission page, no placement at all.
    hand_in(placed, "student-3")
    # Handed in and not scored.
    hand_in(placed, "student-4")
    assert placed.submission("student-1").placement_id is None
    assert placed.submission("student-2").placement_id not in (None, second.id)
    placed.launch("Instructor", "teacher-1")
    _score_placement(placed, later)
    _score_placement(placed, second)
    third = placed.submission("student-3")
    placed.view(f"/teacher/course/{placed.course_id}/submissions/{third.id}")
    assert placed.post(f"/teacher/course/{placed.course_id}/submissions/{third.id}/score",
                       _levels()).status_code == 303

    listing = text(placed.view(f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
                               "/submissions").get_data(as_text=True))
    rows = {sub: re.search(rf"Person {sub} (\w+)", listing).group(1)  # type: ignore[union-attr]
            for sub in ("student-1", "student-2", "student-3", "student-4")}
    assert rows == {"student-1": "Scored", "student-2": "Scored", "student-3": "Scored",
                    "student-4": "Submitted"}
    assert "Scored 3" in listing and "Handed in, waiting 1" in listing
    # Each student's own submission page agrees with their row.
    for sub in ("student-1", "student-2", "student-3"):
        found = placed.submission(sub)
        page = text(placed.view(f"/teacher/course/{placed.course_id}/submissions/{found.id}")
                    .get_data(as_text=True))
        assert "Status Scored" in page and "Final score: 15 / 15" in page, sub
