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
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.mastery.standing import recompute, take_in
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


def _alignments(session: Session, snapshot: Mapping[str, Any]) -> tuple[
        dict[str, list[tuple[int, float]]], list[tuple[int, float]]]:
    rubric = snapshot.get("rubric") or {"criteria": []}
    wanted = {i for c in rubric["criteria"] for i in c.get("items", ())}
    wanted |= {a["item"] for a in snapshot.get("alignments", ())}
    ids = dict(session.execute(select(Item.identifier, Item.id)
                               .where(Item.identifier.in_(wanted))).all()) if wanted else {}
    per_criterion = {
        c["name"]: [(ids[i], float(c.get("weight", 1.0))) for i in c.get("items", ()) if i in ids]
        for c in rubric["criteria"]
    }
    task = [(ids[a["item"]], float(a.get("weight", 1.0)))
            for a in snapshot.get("alignments", ()) if a["item"] in ids]
    return per_criterion, task


def record_final_ratings(session: Session, final: FinalRatings, *,
                         now: dt.datetime | None = None) -> list[Evidence]:
    """Write the evidence (flushed, not committed) and bring mastery up to date."""
    now = now or utcnow()
    per_criterion, task = _alignments(session, final.snapshot)
    unknown = [c.criterion for c in final.criteria if c.criterion not in per_criterion]
    if unknown:
        raise UnknownCriterion(f"the rubric has no criterion {unknown[0]!r}")
    earlier = list(session.execute(
        select(Evidence.id, Evidence.item_id).where(
            Evidence.submission_ref == final.submission_ref,
            Evidence.learner_ref == final.learner_ref, Evidence.superseded_at.is_(None))
    ).all())
    rows: list[Evidence] = []
    for rated in final.criteria:
        if rated.points is None:
            continue
        for item_id, weight in per_criterion[rated.criterion] or task:
            rows.append(Evidence(
                learner_ref=final.learner_ref, item_id=item_id, score=rated.points,
                scale_max=rated.maximum, rater_type=rated.rater_type, rater_ref=rated.rater_ref,
                rater_name=rated.rater_name, rated_at=rated.rated_at,
                artifact=",".join(rated.artifacts) or None,
                source=f"rubric-criterion:{rated.criterion}"[:255], note=rated.comment,
                moderation=rated.moderation.as_json() if rated.moderation else None,
                weight=weight, course_id=final.course_id, submission_ref=final.submission_ref,
                recorded_at=now))
    session.add_all(rows)
    session.flush()
    if not earlier:
        take_in(session, final.course_id, rows, now=now)  # the usual case: only newer evidence
        return rows
    replacement = rows[0].id if rows else None
    session.execute(update(Evidence).where(Evidence.id.in_([e for e, _ in earlier]))
                    .values(superseded_at=now, superseded_by_id=replacement))
    touched = {item for _, item in earlier} | {r.item_id for r in rows}
    recompute(session, final.course_id, [(final.learner_ref, item) for item in touched], now=now)
    return rows
