"""The scoring side's decisions, published: a placement's final rubric score (or an employer
rating awaiting moderation) becomes a gradebook score and, once final, competency evidence.

The gradebook column is the course's placed task (the resource link that opens the task); a
task the course never placed through the LMS has no column, so its score stays in Worklink.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.mastery.recording import RatedCriterion
from competencies.models import RaterType
from competencies.partners.model import Placement
from competencies.scoring.model import FinalScore, RubricRating
from competencies.tasks.model import TaskVersion
from competencies.tasks.rubric import Rubric
from lti_tool.grades.final import FinalDecision, publish
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.models import ResourceLink


class GradebookPublisher:
    """:class:`competencies.scoring.publishing.ScorePublisher` for the LMS and mastery."""

    def final(self, session: Session, placement: Placement, final: FinalScore) -> None:
        link_id = _column(session, placement)
        version = session.get(TaskVersion, final.task_version_id)
        if link_id is None or version is None:
            return
        best = _best_points(version)
        raters = sorted({c.rater_name for c in final.criteria})
        score = GradebookScore(
            resource_link_id=link_id, user_id=placement.student_id,
            source=f"placement:{placement.id}", points=final.given, maximum=final.maximum,
            grading=Grading.FINAL,
            criteria=[CriterionLine(c.criterion, c.level, c.points, best.get(c.criterion, 0.0),
                                    c.comment or None) for c in final.criteria],
            rater="; ".join(raters), rated_at=final.decided_at)
        ratings = [RatedCriterion(
            c.criterion, c.points, best.get(c.criterion, 0.0), RaterType(c.rater_kind),
            c.rater_name, c.rated_at, artifacts=list(c.artifact_ids), comment=c.comment or None)
            for c in final.criteria]
        publish(session, FinalDecision(score, ratings, version.snapshot))

    def pending(self, session: Session, placement: Placement, rating: RubricRating) -> None:
        link_id = _column(session, placement)
        version = session.get(TaskVersion, rating.task_version_id)
        if link_id is None or version is None:
            return
        maximum = Rubric.from_data(version.snapshot["rubric"]).maximum
        publish(session, FinalDecision(
            GradebookScore(resource_link_id=link_id, user_id=placement.student_id,
                           source=f"placement:{placement.id}", points=None, maximum=maximum,
                           grading=Grading.AWAITING_MODERATION, rater=rating.rater_name,
                           rated_at=rating.submitted_at),
            (), version.snapshot))


def _column(session: Session, placement: Placement) -> int | None:
    """The resource link that opens the placement's task in its course (the newest one)."""
    return session.scalar(select(ResourceLink.id).where(
        ResourceLink.course_id == placement.course_id, ResourceLink.task_id == placement.task_id)
        .order_by(ResourceLink.id.desc()).limit(1))


def _best_points(version: TaskVersion) -> dict[str, float]:
    rubric = Rubric.from_data(version.snapshot["rubric"])
    return {c.name: c.best for c in rubric.criteria}
