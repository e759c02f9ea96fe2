"""What the shell does with a score the moment it is decided: a port the scoring side calls.

The shell's publisher queues the grade for the LMS gradebook and records competency evidence,
in the same transaction as the decision (the caller commits once, so all or nothing).
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from competencies.partners.model import Placement
from competencies.scoring.finals import Work
from competencies.scoring.model import FinalScore, RubricRating


class ScorePublisher(Protocol):
    def final(self, session: Session, work: Work, final: FinalScore) -> None:
        """The work's final rubric score was made or replaced."""

    def pending(self, session: Session, placement: Placement, rating: RubricRating) -> None:
        """An employer's rating arrived and waits for the teacher's moderation."""
