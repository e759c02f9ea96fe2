"""Final criterion ratings become evidence with provenance, and mastery follows, counted once."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.mastery.recording import (
    FinalRatings,
    RatedCriterion,
    UnknownCriterion,
    record_final_ratings,
)
from competencies.mastery.standing import recompute
from competencies.models import (
    CourseMasteryPolicy,
    Evidence,
    Framework,
    Item,
    MasteryStanding,
    RaterType,
)
from tests.competencies.tasks.task_factories import course, deployment, tenant

T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
_serial = itertools.count(1)


def items(db: Session, *codes: str) -> dict[str, Item]:
    n = next(_serial)
    framework = Framework(identifier=f"fw-{n}", title="Employability Skills")
    db.add(framework)
    db.flush()
    made = {code: Item(framework_id=framework.id, identifier=f"fw-{n}-{code}",
                       human_coding_scheme=code, full_statement=f"Statement {code}")
            for code in codes}
    db.add_all(made.values())
    db.flush()
    return made


def snapshot(found: dict[str, Item]) -> dict[str, Any]:
    """Safety is aligned to two items; Communication to none (so the task's alignment counts)."""
    return {
        "rubric": {"title": "R", "criteria": [
            {"name": "Safety", "weight": 2.0, "items": [found["S1"].identifier, found["S2"].identifier],
             "levels": []},
            {"name": "Communication", "weight": 1.0, "items": [], "levels": []},
            {"name": "Initiative", "weight": 1.0, "items": [found["S1"].identifier], "levels": []},
        ]},
        "alignments": [{"item": found["T1"].identifier, "weight": 0.5}],
    }


def rated(name: str, points: float | None, *, at: dt.datetime = T0,
          rater: RaterType = RaterType.EMPLOYER) -> RatedCriterion:
    return RatedCriterion(name, points, 4, rater, "Ana Ruiz", at, artifacts=("a-1", "a-2"),
                          comment="Good")


@pytest.fixture
def setting(db: Session) -> tuple[int, dict[str, Item]]:
    where = course(db, deployment(db, tenant(db)))
    return where.course_id, items(db, "S1", "S2", "T1")


def final(course_id: int, found: dict[str, Item], *criteria: RatedCriterion,
          submission: str = "submission:1/v1") -> FinalRatings:
    return FinalRatings(course_id, "student-7", submission, snapshot(found), criteria)


def standing(db: Session, course_id: int, item: Item) -> MasteryStanding:
    return db.scalars(select(MasteryStanding).where(MasteryStanding.course_id == course_id,
                                                    MasteryStanding.item_id == item.id)).one()


def test_each_rating_is_evidence_for_each_aligned_item_with_its_provenance(
        db: Session, setting: tuple[int, dict[str, Item]]) -> None:
    course_id, found = setting
    recorded = record_final_ratings(db, final(course_id, found, rated("Safety", 3),
                                              rated("Communication", 2), rated("Initiative", None)))
    rows = db.scalars(select(Evidence).where(Evidence.course_id == course_id)
                      .order_by(Evidence.id)).all()
    assert recorded == len(rows) == 3
    got = sorted((r.item_id, r.score, r.weight, r.source) for r in rows)
    assert got == sorted([
        (found["S1"].id, 3, 2.0, "rubric-criterion:Safety"),
        (found["S2"].id, 3, 2.0, "rubric-criterion:Safety"),
        # Communication is aligned to nothing: it counts for the task's alignment.
        (found["T1"].id, 2, 0.5, "rubric-criterion:Communication"),
    ])  # "not observed" gives no evidence
    first = rows[0]
    assert (first.rater_type, first.rater_name, first.rated_at, first.artifact,
            first.submission_ref, first.scale_max) == (
        RaterType.EMPLOYER, "Ana Ruiz", T0, "a-1,a-2", "submission:1/v1", 4)


def test_mastery_is_computed_with_the_course_s_method(db: Session,
                                                      setting: tuple[int, dict[str, Item]]) -> None:
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method="highest"))
    record_final_ratings(db, final(course_id, found, rated("Safety", 4), submission="s:1"))
    record_final_ratings(db, final(course_id, found, rated("Safety", 1, at=T0 + dt.timedelta(days=1)),
                                   submission="s:2"))
    s1 = standing(db, course_id, found["S1"])
    assert (s1.value, s1.level, s1.proficient, s1.evidence_count) == (4, "Advanced", True, 2)


def test_a_standing_the_session_already_holds_shows_the_newer_rating(
        db: Session, setting: tuple[int, dict[str, Item]]) -> None:
    # Standings are written as plain rows: a copy loaded before must not keep the old value.
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method="latest"))
    record_final_ratings(db, final(course_id, found, rated("Safety", 4), submission="s:1"))
    held = standing(db, course_id, found["S1"])
    assert (held.value, held.evidence_count) == (4, 1)
    record_final_ratings(db, final(course_id, found, rated("Safety", 1, at=T0 + dt.timedelta(days=1)),
                                   submission="s:2"))
    assert (held.value, held.level, held.evidence_count) == (1, "Beginning", 2)


def test_a_moderated_change_supersedes_what_it_replaces_and_nothing_counts_twice(
        db: Session, setting: tuple[int, dict[str, Item]]) -> None:
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method="average"))
    record_final_ratings(db, final(course_id, found, rated("Safety", 4), rated("Communication", 4)))
    # The teacher moderates: Safety down to 2 with a reason; Communication not observed now.
    record_final_ratings(db, final(course_id, found, rated("Safety", 2, rater=RaterType.TEACHER),
                                   rated("Communication", None)))
    s1 = standing(db, course_id, found["S1"])
    assert (s1.value, s1.evidence_count) == (2, 1)
    t1 = standing(db, course_id, found["T1"])
    assert (t1.value, t1.evidence_count, t1.level) == (None, 0, None)
    old = db.scalars(select(Evidence).where(Evidence.superseded_at.is_not(None))).all()
    assert len(old) == 3 and all(e.superseded_by_id is not None for e in old)


def test_a_criterion_the_rubric_lacks_is_refused_and_nothing_is_stored(
        db: Session, setting: tuple[int, dict[str, Item]]) -> None:
    course_id, found = setting
    with pytest.raises(UnknownCriterion, match="Punctuality"):
        record_final_ratings(db, final(course_id, found, rated("Safety", 3), rated("Punctuality", 2)))
    assert db.scalars(select(Evidence)).all() == []


def test_recompute_touches_only_the_pairs_it_is_given(db: Session,
                                                      setting: tuple[int, dict[str, Item]]) -> None:
    course_id, found = setting
    record_final_ratings(db, final(course_id, found, rated("Safety", 3)))
    before = standing(db, course_id, found["S2"]).computed_at
    later = T0 + dt.timedelta(days=9)
    recompute(db, course_id, [("student-7", found["S1"].id)], now=later)
    assert standing(db, course_id, found["S1"]).computed_at == later
    assert standing(db, course_id, found["S2"]).computed_at == before


def test_mastery_weighs_each_piece_of_evidence_by_its_alignment(db: Session, setting) -> None:
    """S1 hears from Safety (aligned with weight 2) and Initiative (weight 1): the average on
    the 0–4 scale is (4·2 + 1·1) / 3 = 3, not the unweighted 2.5."""
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method="average"))
    db.flush()
    record_final_ratings(db, final(course_id, found, rated("Safety", 4), rated("Communication", 2),
                                   rated("Initiative", 1)))
    assert standing(db, course_id, found["S1"]).value == 3.0


def kept_standings(db: Session, course_id: int) -> dict[int, tuple[Any, ...]]:
    return {s.item_id: (s.value, s.level, s.proficient, s.evidence_count, s.latest_at)
            for s in db.scalars(select(MasteryStanding).where(MasteryStanding.course_id == course_id))}


@pytest.mark.parametrize("method", ["average", "weighted_average", "standard_decaying_average",
                                    "n_mastery", "latest", "highest"])
def test_standings_kept_rating_by_rating_are_what_a_recompute_from_all_evidence_gives(
        db: Session, setting: tuple[int, dict[str, Item]], method: str) -> None:
    """Ratings arrive newest last, but some backdated and some decisions taken again."""
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method=method,
                               calculation_int=2 if method == "n_mastery" else None))
    rnd = random.Random(method)
    for n in range(30):
        day = n if rnd.random() > 0.2 else rnd.randrange(max(n, 1))
        submission = f"s:{n}" if rnd.random() > 0.15 else f"s:{rnd.randrange(max(n, 1))}"
        at = T0 + dt.timedelta(days=day)
        record_final_ratings(db, final(
            course_id, found, rated("Safety", rnd.randrange(5), at=at),
            rated("Communication", rnd.randrange(5), at=at),
            rated("Initiative", rnd.choice([None, 0, 1, 2, 3, 4]), at=at), submission=submission))
    kept = kept_standings(db, course_id)
    db.execute(update(MasteryStanding).values(tally=None))
    recompute(db, course_id, [("student-7", item.id) for item in found.values()])
    assert kept_standings(db, course_id) == kept


def test_a_newer_rating_moves_the_standing_without_reading_the_older_evidence(
        db: Session, setting: tuple[int, dict[str, Item]]) -> None:
    """The older evidence is changed behind Worklink's back: only the running totals count."""
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method="average"))
    record_final_ratings(db, final(course_id, found, rated("Safety", 4), submission="s:1"))
    db.execute(update(Evidence).values(score=0))
    record_final_ratings(db, final(course_id, found, rated("Safety", 2, at=T0 + dt.timedelta(days=1)),
                                   submission="s:2"))
    assert (standing(db, course_id, found["S2"]).value,
            standing(db, course_id, found["S2"]).evidence_count) == (3, 2)


def test_a_backdated_rating_recomputes_the_standing_from_all_its_evidence(
        db: Session, setting: tuple[int, dict[str, Item]]) -> None:
    """Rated before the newest evidence counted (an employer's week-old rating moderated now):
    the running totals cannot place it, so all the evidence is read again."""
    course_id, found = setting
    db.add(CourseMasteryPolicy(course_id=course_id, method="latest"))
    record_final_ratings(db, final(course_id, found, rated("Safety", 4, at=T0 + dt.timedelta(days=7)),
                                   submission="s:1"))
    db.execute(update(Evidence).values(score=1))
    record_final_ratings(db, final(course_id, found, rated("Safety", 2), submission="s:2"))
    s2 = standing(db, course_id, found["S2"])
    assert (s2.value, s2.evidence_count, s2.latest_at) == (1, 2, T0 + dt.timedelta(days=7))
