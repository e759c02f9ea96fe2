"""Factories for mastery tests: evidence a day apart and the Canvas default scale."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from competencies.mastery import Evidence, MasteryScale, RaterType
from competencies.package import ScaleLevelRecord

START = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.UTC)


def canvas_scale() -> MasteryScale:
    """Canvas's default account mastery scale (0–4, mastery at 3)."""
    return MasteryScale.of([
        ScaleLevelRecord("Exceeds Mastery", 4, False, "127A1B"),
        ScaleLevelRecord("Mastery", 3, True, "0B874B"),
        ScaleLevelRecord("Near Mastery", 2, False, "FC5E13"),
        ScaleLevelRecord("Below Mastery", 1, False, "E0061F"),
        ScaleLevelRecord("No Evidence", 0, False, "C2C2C2"),
    ])


def evidence_series(scores: Sequence[float], *, learner: str = "ana", competency: str = "c1",
                    rater: RaterType = RaterType.EMPLOYER,
                    weights: Sequence[float] | None = None) -> list[Evidence]:
    """One piece of evidence per score, oldest first, one day apart (weights default to 1)."""
    return [
        Evidence(score=score, rated_at=START + dt.timedelta(days=i), rater_type=rater,
                 rater_id=f"rater-{i}", artifact=f"artifact-{i}", learner_id=learner,
                 competency_id=competency, weight=weights[i] if weights else 1.0)
        for i, score in enumerate(scores)
    ]
