"""The teacher moderates: accept, adjust with a reason (both levels kept), send back, score."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import Actor, course_events
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.model import FinalScore, RubricRating
from competencies.scoring.moderation import Adjustment
from competencies.scoring.ratings import Choice, ScoringError
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks.rubric import Rubric
from tests.competencies.partners.factories import school
from tests.competencies.scoring.test_ratings import ALL, EMPLOYER

TEACHER = Actor("teacher", "Lucia Rivera", user_id=None, address="198.51.100.7")


def _pending(db: Session) -> tuple[Placement, RubricRating, Rubric]:
    s = school(db)
    placement = s.place(db)
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=s.supervisor.id)
    chosen = {name: Choice("Proficient") for name in ALL}
    chosen["Professionalism"] = Choice(None)
    ratings.save(db, rating, rubric, chosen, EMPLOYER)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   EMPLOYER)
    return placement, rating, rubric


def test_pending_ratings_are_listed_for_the_course(db: Session) -> None:
    placement, rating, _ = _pending(db)
    assert moderation.pending(db, placement.course_id) == [rating]
    assert moderation.pending(db, placement.course_id + 1000) == []


def test_accept_with_one_adjustment_keeps_both_levels_and_the_reason(db: Session) -> None:
    placement, rating, rubric = _pending(db)
    final = moderation.accept(db, rating, rubric, TEACHER, {
        "Communication": Adjustment("Advanced", "Presented to the whole team")},
        artifact_ids=["17", "18"])
    by_name = {c.criterion: c for c in final.criteria}
    adjusted = by_name["Communication"]
    assert (adjusted.level, adjusted.employer_level, adjusted.rater_kind, adjusted.rater_name,
            adjusted.reason) == ("Advanced", "Proficient", "teacher", "Lucia Rivera",
                                 "Presented to the whole team")
    kept = by_name["Working with others"]
    assert (kept.level, kept.employer_level, kept.rater_kind, kept.rater_name) == (
        "Proficient", None, "employer", "Ana Reyes")
    assert by_name["Professionalism"].not_observed and by_name["Professionalism"].points is None
    assert kept.artifact_ids == ["17", "18"]
    # Four counted criteria of 0–3 points: 3 + 2 + 2 + 2 = 9 of 12.
    assert (final.given, final.maximum) == (9.0, 12.0)
    assert rating.status == "accepted"
    event = course_events(db, placement.registration_id, placement.course_id)[0]
    assert event.action == "rating.accepted" and event.address == "198.51.100.7"
    assert event.detail["adjusted"] == {"Communication": {
        "from": "Proficient", "to": "Advanced", "reason": "Presented to the whole team"}}


def test_an_adjustment_without_a_reason_is_refused_and_nothing_changes(db: Session) -> None:
    placement, rating, rubric = _pending(db)
    with pytest.raises(ScoringError, match="Give a reason for changing “Communication”"):
        moderation.accept(db, rating, rubric, TEACHER,
                          {"Communication": Adjustment("Advanced", " ")})
    with pytest.raises(ScoringError, match="has no level “Stellar”"):
        moderation.accept(db, rating, rubric, TEACHER,
                          {"Communication": Adjustment("Stellar", "why not")})
    assert rating.status == "pending"
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 0


def test_send_back_reopens_the_rating_with_a_note(db: Session) -> None:
    placement, rating, rubric = _pending(db)
    with pytest.raises(ScoringError, match="Write a note"):
        moderation.send_back(db, rating, TEACHER, "")
    moderation.send_back(db, rating, TEACHER, "Please rate professionalism too.")
    assert rating.status == "returned" and rating.return_note.startswith("Please")
    ratings.save(db, rating, rubric, {"Professionalism": Choice("Advanced")}, EMPLOYER)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana",
                   EMPLOYER)
    assert moderation.pending(db, placement.course_id) == [rating]


def test_the_teacher_scores_directly_and_replaces_any_pending_rating(db: Session) -> None:
    placement, rating, rubric = _pending(db)
    version, _ = ratings.rubric_for(db, placement)
    work = Work.of_placement(db, placement)
    with pytest.raises(ScoringError, match="not yet rated"):
        moderation.score_directly(db, work, version, rubric, TEACHER,
                                  {"Communication": Choice("Advanced")})
    final = moderation.score_directly(db, work, version, rubric, TEACHER,
                                      {name: Choice("Advanced") for name in ALL})
    assert (final.given, final.maximum) == (15.0, 15.0)
    assert {c.rater_kind for c in final.criteria} == {"teacher"}
    assert rating.status == "superseded"
    again = moderation.score_directly(db, work, version, rubric, TEACHER,
                                      {name: Choice("Proficient") for name in ALL})
    assert again.id == final.id and again.given == 10.0
    actions = [e.action for e in course_events(db, placement.registration_id,
                                               placement.course_id)]
    assert actions[:3] == ["rating.scored_by_teacher", "score.replaced",
                           "rating.scored_by_teacher"]
