"""Final rubric ratings become evidence for every competency and standard they are aligned to.

Each rated criterion gives one piece of evidence per item its criterion is aligned to (in the
frozen rubric the work was scored against), with the criterion's weight; a criterion aligned to
nothing counts for the task's own alignments instead, each with its weight, so a rating is never
lost and never counted twice for one item. A criterion "not observed" gives no evidence.

A later decision on the same submission (the teacher moderating, adjusting, re-scoring)
supersedes all evidence the earlier one gave: superseded rows stay, for the record, and never
count again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from competencies.mastery.standing import NewEvidence, recompute, take_in
from competencies.models import Evidence, Item, RaterType
from competencies.orm import utcnow


@dataclasses.dataclass(frozen=True)
class Moderation:
    """How the teacher moderated an employer's rating of a criterion."""

    by: str
    """The teacher who accepted or adjusted it."""
    at: dt.datetime
    employer: str | None = None
    """The employer whose level the teacher changed (the criterion's rater is then the teacher)."""
    employer_level: str | None = None
    """The employer's level, when the teacher changed it (``None`` there: "not observed")."""
    reason: str | None = None
    """The teacher's reason for the change."""

    def as_json(self) -> dict[str, str | None]:
        return {"by": self.by, "at": self.at.isoformat(), "employer": self.employer,
                "employer_level": self.employer_level, "reason": self.reason}


@dataclasses.dataclass(frozen=True)
class RatedCriterion:
    criterion: str
    """The criterion's name in the frozen rubric."""
    points: float | None
    """``None``: not observed."""
    maximum: float
    rater_type: RaterType
    rater_name: str
    rated_at: dt.datetime
    rater_ref: str | None = None
    artifacts: Sequence[str] = ()
    """The artifacts the rating was made on."""
    comment: str | None = None
    moderation: Moderation | None = None
    """Set when this is an employer's rating a teacher accepted or adjusted."""
    level: str | None = None
    """The level's name in the rubric, as the rater chose it."""


@dataclasses.dataclass(frozen=True)
class FinalRatings:
    """A submission's final rubric ratings, as the scoring side decides them."""

    course_id: int
    learner_ref: str
    submission_ref: str
    snapshot: Mapping[str, Any]
    """The frozen task version's snapshot: its rubric and alignments."""
    criteria: Sequence[RatedCriterion]


class UnknownCriterion(ValueError):
    """A rating names a criterion the frozen rubric does not have."""


_EVIDENCE_TABLE = cast(Table, Evidence.__table__)
_E = _EVIDENCE_TABLE.c
# Built once: a statement made per call costs more to build and cache-key than to run.
_ITEM_IDS = select(Item.identifier, Item.id).where(
    Item.identifier.in_(bindparam("identifiers", expanding=True)))
_STILL_COUNTING = select(_E.id, _E.item_id).where(
    _E.submission_ref == bindparam("submission_ref"), _E.learner_ref == bindparam("learner_ref"),
    _E.superseded_at.is_(None))


def _alignments(connection: Connection, snapshot: Mapping[str, Any]) -> tuple[
        dict[str, list[tuple[int, float]]], list[tuple[int, float]]]:
    rubric = snapshot.get("rubric") or {"criteria": []}
    wanted = {i for c in rubric["criteria"] for i in c.get("items", ())}
    wanted |= {a["item"] for a in snapshot.get("alignments", ())}
    ids = dict(connection.execute(_ITEM_IDS, {"identifiers": sorted(wanted)}).all()) if wanted else {}
    per_criterion = {
        c["name"]: [(ids[i], float(c.get("weight", 1.0))) for i in c.get("items", ()) if i in ids]
        for c in rubric["criteria"]
    }
    task = [(ids[a["item"]], float(a.get("weight", 1.0)))
            for a in snapshot.get("alignments", ()) if a["item"] in ids]
    return per_criterion, task


def record_final_ratings(session: Session, final: FinalRatings, *,
                         now: dt.datetime | None = None) -> int:
    """Write the evidence and bring mastery up to date (not committed); how many pieces of
    evidence were recorded.

    The evidence is written as plain rows, in one executemany: the ORM's unit of work cost more
    than everything else a rating does (bench/mastery_views_bench.py).
    """
    now = now or utcnow()
    session.flush()  # whatever the caller added through the ORM comes first
    connection = session.connection()
    per_criterion, task = _alignments(connection, final.snapshot)
    unknown = [c.criterion for c in final.criteria if c.criterion not in per_criterion]
    if unknown:
        raise UnknownCriterion(f"the rubric has no criterion {unknown[0]!r}")
    earlier = connection.execute(_STILL_COUNTING, {"submission_ref": final.submission_ref,
                                                   "learner_ref": final.learner_ref}).all()
    task_title = str(final.snapshot.get("title") or "")[:300] or None
    rows: list[dict[str, Any]] = []
    for rated in final.criteria:
        if rated.points is None:
            continue
        for item_id, weight in per_criterion[rated.criterion] or task:
            rows.append({
                "learner_ref": final.learner_ref, "item_id": item_id, "score": rated.points,
                "scale_max": rated.maximum, "rater_type": rated.rater_type,
                "rater_ref": rated.rater_ref, "rater_name": rated.rater_name,
                "rated_at": rated.rated_at, "artifact": ",".join(rated.artifacts) or None,
                "source": f"rubric-criterion:{rated.criterion}"[:255], "note": rated.comment,
                "level": rated.level, "task_title": task_title,
                "moderation": rated.moderation.as_json() if rated.moderation else None,
                "weight": weight, "course_id": final.course_id,
                "submission_ref": final.submission_ref, "recorded_at": now})
    added = [NewEvidence(r["learner_ref"], r["item_id"], r["score"], r["scale_max"],
                         r["rated_at"], r["weight"]) for r in rows]
    if not earlier:
        if rows:
            connection.execute(insert(_EVIDENCE_TABLE), rows)
        take_in(session, final.course_id, added, now=now)  # the usual case: only newer evidence
        return len(rows)
    replacement = None
    if rows:
        replacement = connection.execute(
            insert(_EVIDENCE_TABLE).returning(_E.id, sort_by_parameter_order=True), rows
        ).scalars().first()
    session.execute(update(Evidence).where(Evidence.id.in_([e for e, _ in earlier]))
                    .values(superseded_at=now, superseded_by_id=replacement))
    touched = {item for _, item in earlier} | {r["item_id"] for r in rows}
    recompute(session, final.course_id, [(final.learner_ref, item) for item in touched], now=now)
    return len(rows)
