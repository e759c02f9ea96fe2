"""One piece of evidence for one learner on one competency, with where it came from."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math


class RaterType(enum.StrEnum):
    """Who produced the score: it decides how much a teacher trusts it (employer ratings await moderation)."""

    TEACHER = "teacher"
    EMPLOYER = "employer"
    SELF = "self"
    SYSTEM = "system"


@dataclasses.dataclass(frozen=True, slots=True)
class Evidence:
    """A score with its provenance; mastery results point back to these, never to bare numbers."""

    score: float
    """In the mastery scale's points (a rubric rating of 3 on a 0–4 scale is 3, not 75%)."""
    rated_at: dt.datetime
    rater_type: RaterType
    rater_id: str | None = None
    rater_name: str | None = None
    artifact: str | None = None
    """A reference to the work judged: a submission URL, a log entry id, an uploaded file."""
    learner_id: str | int | None = None
    """Who the evidence is about; only the batch computation (:func:`compute_mastery`) needs it."""
    competency_id: str | int | None = None
    """Which competency it is evidence of; only the batch computation needs it."""
    weight: float = 1.0
    """The weight of the alignment it came through: how much it counts beside other evidence
    (see :mod:`competencies.mastery.calculation` for what each method makes of it)."""

    def __post_init__(self) -> None:
        if not math.isfinite(self.score):
            raise ValueError(f"an evidence score must be a finite number, got {self.score!r}")
        if not (math.isfinite(self.weight) and self.weight > 0):
            raise ValueError(f"an evidence weight must be a number above 0, got {self.weight!r}")
        if self.rated_at.tzinfo is None:
            # Naive and aware times cannot be ordered together; evidence comes from many time zones.
            raise ValueError("rated_at must carry a time zone")
