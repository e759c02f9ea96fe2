"""A final rubric score, published: to the gradebook outbox and as competency evidence, together.

The scoring side calls :func:`publish` inside the transaction that records the final score and
commits once, so the grade, the evidence and the score itself are stored all or nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from competencies.mastery.recording import FinalRatings, RatedCriterion, record_final_ratings
from lti_tool.grades.outbox import enqueue
from lti_tool.grades.payload import GradebookScore, Grading
from lti_tool.models import GradeOutbox, ResourceLink


@dataclasses.dataclass(frozen=True)
class FinalDecision:
    score: GradebookScore
    """What goes to the gradebook."""
    ratings: Sequence[RatedCriterion]
    """Each criterion as finally rated, with its rater: what becomes evidence."""
    snapshot: Mapping[str, Any]
    """The frozen task version the work was scored against (its rubric and alignments)."""


def publish(session: Session, decision: FinalDecision) -> GradeOutbox:
    """Queue the grade and, once it is final, record the evidence; flushed, not committed."""
    row = enqueue(session, decision.score)
    if decision.score.grading is Grading.FINAL:
        link = session.get(ResourceLink, decision.score.resource_link_id)
        assert link is not None
        record_final_ratings(session, FinalRatings(
            course_id=link.course_id, learner_ref=str(decision.score.user_id),
            submission_ref=decision.score.source, snapshot=decision.snapshot,
            criteria=decision.ratings))
    return row
