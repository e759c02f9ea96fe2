"""A task's form is checked whole: every problem named, nothing half-parsed."""

from __future__ import annotations

import datetime as dt

import pytest

from competencies.tasks.draft import InvalidTask, parse_draft
from competencies.tasks.vocabulary import (
    AskedArtifact,
    ContinuumStage,
    ExperienceType,
    LibraryScope,
)

FORM = {"title": " Clinic shadow ", "stage": "exploration", "experience_type": "job_shadow",
        "expected_hours": "4.5", "due_at": "2027-03-01", "opens_at": "2027-02-01",
        "employer_scored": "on", "scope": "deployment"}


def test_a_complete_form_becomes_a_draft() -> None:
    draft = parse_draft(FORM, ["reflection", "hours_log", "reflection"])
    assert draft.title == "Clinic shadow" and draft.stage is ContinuumStage.EXPLORATION
    assert draft.experience_type is ExperienceType.JOB_SHADOW and draft.expected_hours == 4.5
    assert draft.asked_artifacts == (AskedArtifact.REFLECTION, AskedArtifact.HOURS_LOG)
    assert draft.due_at == dt.datetime(2027, 3, 1, 23, 59, tzinfo=dt.UTC)
    assert draft.employer_scored and draft.scope is LibraryScope.DEPLOYMENT


def test_every_problem_is_reported_at_once() -> None:
    form = {**FORM, "title": "", "stage": "retirement", "expected_hours": "lots"}
    with pytest.raises(InvalidTask) as caught:
        parse_draft(form, ["telepathy"])
    assert [str(problem) for problem in caught.value.problems] == [
        "Give the task a title.", "“retirement” is not a continuum stage.",
        "“telepathy” is not a kind of artifact.",
        "Expected hours “lots” is not a number.",
    ]


def test_due_before_opening_is_refused() -> None:
    with pytest.raises(InvalidTask, match="before the task opens"):
        parse_draft({**FORM, "due_at": "2027-01-01"}, [])


def test_other_experience_needs_a_name() -> None:
    with pytest.raises(InvalidTask, match="Name the experience"):
        parse_draft({**FORM, "experience_type": "other"}, [])


def test_negative_hours_are_refused() -> None:
    with pytest.raises(InvalidTask, match="between 0 and"):
        parse_draft({**FORM, "expected_hours": "-3"}, [])
