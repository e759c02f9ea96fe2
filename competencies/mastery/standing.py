"""Mastery per course, student and competency, recomputed only where evidence changed.

Evidence arrives on each criterion's own scale (2 of 4, 3 of 5); it is put on the course's
mastery scale in proportion before the course's method (one of Canvas's six) runs over the
student's evidence that still counts, oldest first. A rating newer than everything a standing
counted moves it through the standing's running totals (:mod:`~competencies.mastery.tally`),
without re-reading the older evidence.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from competencies.mastery.calculation import Calculation, CalculationMethod
from competencies.mastery.scale import MasteryScale
from competencies.mastery.tally import Tallier, Tally
from competencies.messages import N_
from competencies.models import CourseMasteryPolicy, Evidence, MasteryStanding, ScaleLevel
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
    """Bring the standings of these (learner, item) pairs up to date from all their evidence
    (flushed, not committed)."""
    wanted = sorted(set(pairs))
    if not wanted:
        return []
    now = now or utcnow()
    calculation, scale = policy or course_policy(session, course_id)
    tallier = Tallier(calculation, scale)
    # Per learner, ``item_id IN (…)``: a row-value IN would not use the indexes on SQLite.
    by_learner: defaultdict[str, list[int]] = defaultdict(list)
    for learner, item in wanted:
        by_learner[learner].append(item)
    # On the table's columns, not the mapped class's: the rows are read as plain tuples, without
    # the ORM's per-row loading, which cost more than the calculation itself.
    rows = session.execute(
        select(_EVIDENCE.learner_ref, _EVIDENCE.item_id, _EVIDENCE.score, _EVIDENCE.scale_max,
               _EVIDENCE.rated_at, _EVIDENCE.weight)
        .where(_EVIDENCE.course_id == course_id, _EVIDENCE.superseded_at.is_(None),
               _pairs(_EVIDENCE.learner_ref, _EVIDENCE.item_id, by_learner))
        .order_by(_EVIDENCE.rated_at, _EVIDENCE.id)
    ).all()
    tallies: dict[tuple[str, int], Tally] = {}
    latest: dict[tuple[str, int], dt.datetime] = {}
    for learner, item, score, scale_max, rated_at, weight in rows:
        key = (learner, item)
        tallies[key] = tallier.add(tallies.get(key, _NOTHING), tallier.on_scale(score, scale_max),
                                   weight)
        latest[key] = rated_at
    existing = _standings(session, course_id, by_learner)
    standings = []
    for key in wanted:
        standing = existing.get(key)
        if standing is None:
            standing = MasteryStanding(course_id=course_id, learner_ref=key[0], item_id=key[1])
            session.add(standing)
        _settle(standing, tallier, scale, tallies.get(key, _NOTHING), latest.get(key), now)
        standings.append(standing)
    session.flush()
    return standings


def take_in(session: Session, course_id: int, added: Sequence[Evidence], *,
            now: dt.datetime | None = None) -> list[MasteryStanding]:
    """Bring the standings up to date after ``added`` was recorded and nothing superseded
    (flushed, not committed).

    A standing whose tally is on the course's basis and counts only evidence rated no later
    than the new takes the new in, without reading the older; any other is recomputed from all
    its evidence.
    """
    if not added:
        return []
    now = now or utcnow()
    calculation, scale = course_policy(session, course_id)
    tallier = Tallier(calculation, scale)
    new: defaultdict[tuple[str, int], list[Evidence]] = defaultdict(list)
    for row in sorted(added, key=lambda r: (r.rated_at, r.id)):  # the order a recompute reads
        new[row.learner_ref, row.item_id].append(row)
    by_learner: defaultdict[str, list[int]] = defaultdict(list)
    for learner, item in new:
        by_learner[learner].append(item)
    # Locked until the commit (PostgreSQL): a tally updated by two transactions at once would
    # lose one's evidence for good, where a recompute would only have been stale until the next.
    existing = _standings(session, course_id, by_learner, lock=True)
    standings, stale = [], []
    for key, rows in new.items():
        standing = existing.get(key)
        tally = tallier.restored(standing.tally) if standing is not None else None
        if standing is None or tally is None or (
                standing.latest_at is not None and rows[0].rated_at < standing.latest_at):
            stale.append(key)
            continue
        for row in rows:
            tally = tallier.add(tally, tallier.on_scale(row.score, row.scale_max), row.weight)
        _settle(standing, tallier, scale, tally, rows[-1].rated_at, now)
        standings.append(standing)
    session.flush()
    return standings + recompute(session, course_id, stale, now=now, policy=(calculation, scale))


_NOTHING = Tally()


def _standings(session: Session, course_id: int, by_learner: dict[str, list[int]], *,
               lock: bool = False) -> dict[tuple[str, int], MasteryStanding]:
    query = select(MasteryStanding).where(
        MasteryStanding.course_id == course_id,
        _pairs(MasteryStanding.learner_ref, MasteryStanding.item_id, by_learner))
    if lock:
        query = query.with_for_update()
    return {(s.learner_ref, s.item_id): s for s in session.scalars(query)}


def _settle(standing: MasteryStanding, tallier: Tallier, scale: MasteryScale, tally: Tally,
            latest_at: dt.datetime | None, now: dt.datetime) -> None:
    value = tallier.value(tally)
    level = scale.level_for(value)
    standing.value = value
    standing.level = level.label if level is not None else None
    standing.proficient = scale.is_proficient(value)
    standing.evidence_count = tally.count
    standing.latest_at = latest_at
    standing.computed_at = now
    standing.tally = tallier.stored(tally)


def _pairs(learner: InstrumentedAttribute[str] | ColumnElement[Any],
           item: InstrumentedAttribute[int] | ColumnElement[Any],
           by_learner: dict[str, list[int]]) -> ColumnElement[bool]:
    return or_(*((learner == ref) & item.in_(items) for ref, items in by_learner.items()))
