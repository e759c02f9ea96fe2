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
from typing import Any, NamedTuple, cast

from sqlalchemy import Row, Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

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


# On the table's columns, not the mapped class's: the rows are read as plain tuples, without
# the ORM's per-row loading, which cost more than the calculation itself.
_EVIDENCE_THAT_COUNTS = select(
    _EVIDENCE.learner_ref, _EVIDENCE.item_id, _EVIDENCE.score, _EVIDENCE.scale_max,
    _EVIDENCE.rated_at, _EVIDENCE.weight,
).where(_EVIDENCE.course_id == bindparam("course_id"), _EVIDENCE.superseded_at.is_(None),
        _EVIDENCE.learner_ref.in_(bindparam("learners", expanding=True)),
        _EVIDENCE.item_id.in_(bindparam("items", expanding=True))
        ).order_by(_EVIDENCE.rated_at, _EVIDENCE.id)
_POLICY = cast(Table, CourseMasteryPolicy.__table__).c
_STANDING_TABLE = cast(Table, MasteryStanding.__table__)
_STANDING = _STANDING_TABLE.c
_POLICY_OF_COURSE = select(_POLICY.method, _POLICY.calculation_int, _POLICY.scale_id).where(
    _POLICY.course_id == bindparam("course_id"))
# Standings are read and written as plain rows on the session's connection: the ORM's loading,
# change tracking and flush cost more than the arithmetic (bench/mastery_views_bench.py). The
# update is one executemany (psycopg pipelines it: one round trip for all the rows).
_STANDINGS = select(
    _STANDING.learner_ref, _STANDING.item_id, _STANDING.id, _STANDING.tally, _STANDING.latest_at
).where(_STANDING.course_id == bindparam("course_id"),
        _STANDING.learner_ref.in_(bindparam("learners", expanding=True)),
        _STANDING.item_id.in_(bindparam("items", expanding=True)))
_LOCKED_STANDINGS = _STANDINGS.with_for_update()
"""Locked until the commit (PostgreSQL): see :func:`take_in`."""
_UPDATE_STANDING = update(_STANDING_TABLE).where(_STANDING.id == bindparam("standing_id"))
Key = tuple[str, int]
StandingRow = Row[str, int, int, dict[str, Any] | None, dt.datetime | None]
"""A standing as :data:`_STANDINGS` reads it: learner, item, id, tally, latest rating time."""


class NewEvidence(NamedTuple):
    """What mastery needs of a piece of evidence just recorded."""

    learner_ref: str
    item_id: int
    score: float
    scale_max: float | None
    rated_at: dt.datetime
    weight: float


def course_policy(session: Session, course_id: int) -> tuple[Calculation, MasteryScale]:
    policy = session.connection().execute(_POLICY_OF_COURSE, {"course_id": course_id}).first()
    if policy is None:
        return DEFAULT_CALCULATION, DEFAULT_SCALE
    method, calculation_int, scale_id = policy
    calculation = Calculation(CalculationMethod.parse(method), calculation_int)
    if scale_id is None:
        return calculation, DEFAULT_SCALE
    levels = session.scalars(select(ScaleLevel).where(ScaleLevel.scale_id == scale_id)).all()
    scale = MasteryScale.of(ScaleLevelRecord(lv.label, lv.points, lv.proficient, lv.color)
                            for lv in levels)
    return calculation, scale


def recompute(session: Session, course_id: int, pairs: Iterable[Key], *,
              now: dt.datetime | None = None,
              policy: tuple[Calculation, MasteryScale] | None = None) -> None:
    """Bring the standings of these (learner, item) pairs up to date from all their evidence
    (written, not committed)."""
    wanted = sorted(set(pairs))
    if not wanted:
        return
    now = now or utcnow()
    session.flush()  # what was added through the ORM (evidence, a policy) is read below
    calculation, scale = policy or course_policy(session, course_id)
    tallier = Tallier(calculation, scale)
    found = set(wanted)
    tallies: dict[Key, Tally] = {}
    latest: dict[Key, dt.datetime] = {}
    for learner, item, score, scale_max, rated_at, weight in session.connection().execute(
            _EVIDENCE_THAT_COUNTS, _among(course_id, wanted)):
        key = (learner, item)
        if key not in found:
            continue
        tallies[key] = tallier.add(tallies.get(key, _NOTHING), tallier.on_scale(score, scale_max),
                                   weight)
        latest[key] = rated_at
    existing = _standings(session, course_id, wanted)
    _write(session, course_id, existing, [
        (key, _settled(tallier, scale, tallies.get(key, _NOTHING), latest.get(key), now))
        for key in wanted])


def take_in(session: Session, course_id: int, added: Sequence[NewEvidence], *,
            now: dt.datetime | None = None) -> None:
    """Bring the standings up to date after ``added`` was recorded and nothing superseded
    (written, not committed).

    A standing whose tally is on the course's basis and counts only evidence rated no later
    than the new takes the new in, without reading the older; any other is recomputed from all
    its evidence.
    """
    if not added:
        return
    now = now or utcnow()
    calculation, scale = course_policy(session, course_id)
    tallier = Tallier(calculation, scale)
    new: defaultdict[Key, list[NewEvidence]] = defaultdict(list)
    # The order a recompute reads: by time, then as recorded (ids rise in the order written).
    for row in sorted(added, key=lambda r: r.rated_at):
        new[row.learner_ref, row.item_id].append(row)
    # Locked until the commit (PostgreSQL): a tally updated by two transactions at once would
    # lose one's evidence for good, where a recompute would only have been stale until the next.
    existing = _standings(session, course_id, list(new), lock=True)
    settled, stale = [], []
    for key, rows in new.items():
        standing = existing.get(key)
        tally = tallier.restored(standing.tally) if standing is not None else None
        if standing is None or tally is None or (
                standing.latest_at is not None and rows[0].rated_at < standing.latest_at):
            stale.append(key)
            continue
        for row in rows:
            tally = tallier.add(tally, tallier.on_scale(row.score, row.scale_max), row.weight)
        settled.append((key, _settled(tallier, scale, tally, rows[-1].rated_at, now)))
    _write(session, course_id, existing, settled)
    recompute(session, course_id, stale, now=now, policy=(calculation, scale))


_NOTHING = Tally()


def _standings(session: Session, course_id: int, pairs: Sequence[Key], *,
               lock: bool = False) -> dict[Key, StandingRow]:
    """The standings there are: id, tally and latest rating time, by (learner, item)."""
    found = set(pairs)
    rows = session.connection().execute(_LOCKED_STANDINGS if lock else _STANDINGS,
                                        _among(course_id, pairs))
    return {key: row for row in rows if (key := (row.learner_ref, row.item_id)) in found}


def _settled(tallier: Tallier, scale: MasteryScale, tally: Tally, latest_at: dt.datetime | None,
             now: dt.datetime) -> dict[str, Any]:
    value = tallier.value(tally)
    level = scale.level_for(value)
    return {"value": value, "level": level.label if level is not None else None,
            "proficient": scale.is_proficient(value), "evidence_count": tally.count,
            "latest_at": latest_at, "computed_at": now, "tally": tallier.stored(tally)}


def _write(session: Session, course_id: int, existing: dict[Key, StandingRow],
           settled: list[tuple[Key, dict[str, Any]]]) -> None:
    """Update the standings there are and add the missing ones, in two statements at most."""
    changed = [{"standing_id": existing[key].id, **values}
               for key, values in settled if key in existing]
    added = [{"course_id": course_id, "learner_ref": key[0], "item_id": key[1], **values}
             for key, values in settled if key not in existing]
    connection = session.connection()
    if changed:
        connection.execute(_UPDATE_STANDING, changed)
        # A copy the session already holds would otherwise show the old standing until expired.
        for row in changed:
            held = session.identity_map.get(session.identity_key(MasteryStanding,
                                                                 row["standing_id"]))
            if held is not None:
                session.expire(held)
    if added:
        connection.execute(insert(_STANDING_TABLE), added)


def _among(course_id: int, pairs: Iterable[Key]) -> dict[str, Any]:
    """The parameters of a statement over these pairs: their learners and their items.

    Their cross product is read and the pairs picked from it: one statement built once, where
    one ``(learner = … AND item IN …)`` per learner would be built and cache-keyed at every call.
    Mastery is recorded for one learner at a time, where the product is the pairs themselves.
    """
    learners, items = set(), set()
    for learner, item in pairs:
        learners.add(learner)
        items.add(item)
    return {"course_id": course_id, "learners": sorted(learners), "items": sorted(items)}
