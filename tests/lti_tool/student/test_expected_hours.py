"""The student's hours log counts against the expected hours of their placement for the task,
whichever placement the work belongs to: the one they started with, one made after they started,
or the newest when placed again."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from competencies.partners.model import Placement
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_scored_count import _place


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db)  # the task expects 4 hours


def _expecting(placed: PlacedClass, placement: Placement, hours: float) -> None:
    placement.expected_hours = hours
    placed.db.commit()


def _logs_hours(placed: PlacedClass) -> None:
    placed.student()
    assert placed.work("hours", {"work_date": dt.date.today().isoformat(), "hours": "2",
                                 "activity": "Took vitals"}).status_code == 303


def test_a_placement_made_after_the_student_started_sets_the_hours_expected(
        placed: PlacedClass) -> None:
    _logs_hours(placed)
    assert "2 of 4 hours logged" in text(placed.page)
    _expecting(placed, _place(placed, "student-1", "Harlem Hospital"), 120)
    assert placed.submission().placement_id is None
    assert "2 of 120 hours logged" in text(placed.student())


def test_placed_again_the_newest_placements_hours_are_expected(placed: PlacedClass) -> None:
    placed.student()
    _expecting(placed, _place(placed, "student-1", "Harlem Hospital"), 40)
    _logs_hours(placed)
    assert "2 of 40 hours logged" in text(placed.page)
    assert placed.submission().placement_id is not None
    _expecting(placed, _place(placed, "student-1", "Mount Sinai Clinic"), 60)
    assert "2 of 60 hours logged" in text(placed.student())
