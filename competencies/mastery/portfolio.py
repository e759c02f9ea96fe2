"""A student's competencies across every course and year: standings with the evidence behind them."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Evidence, Framework, Item, MasteryStanding


@dataclasses.dataclass(frozen=True)
class PortfolioEntry:
    course_id: int
    item: Item
    framework: str
    standing: MasteryStanding
    evidence: list[Evidence]


def portfolio(session: Session, learner_refs: list[str]) -> list[PortfolioEntry]:
    """Every standing of these learner references (one person known in several courses),
    each with the evidence that counts for it, newest first; three queries in all."""
    standings = session.execute(
        select(MasteryStanding, Item, Framework.title)
        .join(Item, Item.id == MasteryStanding.item_id)
        .join(Framework, Framework.id == Item.framework_id)
        .where(MasteryStanding.learner_ref.in_(learner_refs), MasteryStanding.evidence_count > 0)
        .order_by(Framework.title, Item.human_coding_scheme, MasteryStanding.course_id)).all()
    evidence: defaultdict[tuple[int | None, int], list[Evidence]] = defaultdict(list)
    for row in session.scalars(select(Evidence).where(
            Evidence.learner_ref.in_(learner_refs), Evidence.superseded_at.is_(None))
            .order_by(Evidence.rated_at.desc(), Evidence.id.desc())):
        evidence[row.course_id, row.item_id].append(row)
    return [PortfolioEntry(standing.course_id, item, framework, standing,
                           evidence[standing.course_id, item.id])
            for standing, item, framework in standings]
