"""Mastery per course, student and competency, recomputed only where evidence changed.

Evidence arrives on each criterion's own scale (2 of 4, 3 of 5); it is put on the course's
mastery scale in proportion before the course's method (one of Canvas's six) runs over the
student's evidence that still counts, oldest first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from competencies.mastery.calculation import Calculation, CalculationMethod, calculator
from competencies.mastery.evidence import Evidence as EvidencePoint
from competencies.mastery.evidence import RaterType
from competencies.mastery.scale import MasteryScale
from competencies.messages import N_
from competencies.models import CourseMasteryPolicy, Evidence, MasteryStanding, ScaleLevel
from competencies.models import RaterType as StoredRaterType
from competencies.orm import utcnow
from competencies.package import ScaleLevelRecord

DEFAULT_SCALE = MasteryScale.of([
    # Stored in English; pages translate them (marked for the catalogue with N_).
    ScaleLevelRecord(N_("Not yet"), 0, color="E0E0E0"),
    ScaleLevelRecord(N_("Beginning"), 1, color="F6C9A8"),
    ScaleLevelRecord(N_("Developing"), 2, color="F3E08A"),
    ScaleLevelRecord(N_("Proficient"), 3, proficient=True, color="9ED8A6"),
    ScaleLevelRecord(N_("Advanced"), 4, proficient=True, color="5BAE8C"),
])
DEFAULT_CALCULATION = Calculation(CalculationMethod.WEIGHTED_AVERAGE)
"""Canvas's default for new outcomes (its "weighted average", 65% on the latest)."""


_EVIDENCE = cast(Table, Evidence.__table__).c
_RATERS = {kind: RaterType(kind.value) for kind in StoredRaterType}
"""The stored rater kinds as the calculation's (a lookup: an enum call per row costs more)."""


def course_policy(session: Session, course_id: int) -> tuple[Calculation, MasteryScale]:
    policy = session.get(CourseMasteryPolicy, course_id)
    if policy is None:
        return DEFAULT_CALCULATION, DEFAULT_SCALE
    calculation = Calculation(CalculationMethod.parse(policy.method), policy.calculation_int)
    if policy.scale_id is None:
        return calculation, DEFAULT_SCALE
    levels = session.scalars(select(ScaleLevel).where(ScaleLevel.scale_id == policy.scale_id)).all()
    scale = MasteryScale.of(ScaleLevelRecord(lv.label, lv.points, lv.proficient, lv.color)
                            for lv in levels)
    return calculation, scale


def recompute(session: Session, course_id: int, pairs: Iterable[tuple[str, int]], *,
              now: dt.datetime | None = None,
              policy: tuple[Calculation, MasteryScale] | None = None) -> list[MasteryStanding]:
    """Bring the standings of these (learner, item) pairs up to date (flushed, not committed)."""
    wanted = sorted(set(pairs))
    if not wanted:
        return []
    now = now or utcnow()
    calculation, scale = policy or course_policy(session, course_id)
    compute = calculator(calculation, scale)
    top = scale.points_possible
    # Per learner, ``item_id IN (…)``: a row-value IN would not use the indexes on SQLite.
    by_learner: defaultdict[str, list[int]] = defaultdict(list)
    for learner, item in wanted:
        by_learner[learner].append(item)
    # On the table's columns, not the mapped class's: the rows are read as plain tuples, without
    # the ORM's per-row loading, which cost more than the calculation itself.
    rows = session.execute(
        select(_EVIDENCE.learner_ref, _EVIDENCE.item_id, _EVIDENCE.score, _EVIDENCE.scale_max,
               _EVIDENCE.rated_at, _EVIDENCE.rater_type, _EVIDENCE.weight)
        .where(_EVIDENCE.course_id == course_id, _EVIDENCE.superseded_at.is_(None),
               _pairs(_EVIDENCE.learner_ref, _EVIDENCE.item_id, by_learner))
        .order_by(_EVIDENCE.rated_at, _EVIDENCE.id)
    ).all()
    grouped: defaultdict[tuple[str, int], list[EvidencePoint]] = defaultdict(list)
    for learner, item, score, scale_max, rated_at, rater, weight in rows:
        on_scale = score / scale_max * top if scale_max else score
        grouped[learner, item].append(EvidencePoint(on_scale, rated_at, _RATERS[rater],
                                                    weight=weight))
    existing = {
        (s.learner_ref, s.item_id): s for s in session.scalars(
            select(MasteryStanding).where(
                MasteryStanding.course_id == course_id,
                _pairs(MasteryStanding.learner_ref, MasteryStanding.item_id, by_learner)))
    }
    standings = []
    for key in wanted:
        points = grouped.get(key, [])
        standing = existing.get(key)
        if standing is None:
            standing = MasteryStanding(course_id=course_id, learner_ref=key[0], item_id=key[1])
            session.add(standing)
        result = compute(points) if points else None
        value = result.value if result is not None else None
        level = scale.level_for(value)
        standing.value = value
        standing.level = level.label if level is not None else None
        standing.proficient = scale.is_proficient(value)
        standing.evidence_count = len(points)
        standing.latest_at = points[-1].rated_at if points else None
        standing.computed_at = now
        standings.append(standing)
    session.flush()
    return standings


def _pairs(learner: InstrumentedAttribute[str] | ColumnElement[Any],
           item: InstrumentedAttribute[int] | ColumnElement[Any],
           by_learner: dict[str, list[int]]) -> ColumnElement[bool]:
    return or_(*((learner == ref) & item.in_(items) for ref, items in by_learner.items()))
