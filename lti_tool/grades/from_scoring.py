"""The scoring side's decisions, published: a placement's final rubric score (or an employer
rating awaiting moderation) becomes a gradebook score and, once final, competency evidence.

The gradebook column is the course's placed task (the resource link that opens the task); a
task the course never placed through the LMS has no column, so its score stays in Worklink.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.mastery.recording import Moderation, RatedCriterion
from competencies.models import RaterType
from competencies.partners.model import Placement
from competencies.scoring.finals import Work
from competencies.scoring.model import FinalCriterion, FinalScore, RubricRating
from competencies.scoring.ratings import AS_IT_CAME
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks.model import TaskVersion
from competencies.tasks.rubric import Rubric
from lti_tool.grades.final import FinalDecision, publish
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.models import ResourceLink


class GradebookPublisher:
    """:class:`competencies.scoring.publishing.ScorePublisher` for the LMS and mastery."""

    def final(self, session: Session, work: Work, final: FinalScore) -> None:
        link_id = (work.submission.resource_link_id if work.submission is not None
                   else _column(session, work.placement) if work.placement is not None else None)
        version = session.get(TaskVersion, final.task_version_id)
        if link_id is None or version is None:
            return
        rubric = Rubric.from_data(version.snapshot["rubric"])
        best = {c.name: c.best for c in rubric.criteria}
        raters = sorted({c.rater_name for c in final.criteria})
        employer = (session.get(RubricRating, final.source_rating_id)
                    if final.source_rating_id is not None else None)
        score = GradebookScore(
            resource_link_id=link_id, user_id=work.student_id,
            source=final.work_ref, points=final.given, maximum=final.maximum,
            grading=Grading.FINAL,
            criteria=criterion_lines(rubric, final),
            rater="; ".join(raters), rated_at=final.decided_at,
            submitted_at=_submitted_at(work, employer))
        ratings = [RatedCriterion(
            c.criterion, c.points, best.get(c.criterion, 0.0), RaterType(c.rater_kind),
            c.rater_name, c.rated_at, artifacts=list(c.artifact_ids), comment=c.comment or None,
            moderation=_moderation(final, c, employer), level=c.level)
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


def _moderation(final: FinalScore, criterion: FinalCriterion,
                employer: RubricRating | None) -> Moderation | None:
    """How the teacher treated the employer's rating of this criterion; ``None`` when the
    teacher scored the rubric directly, or the employer's rating was accepted as it came."""
    if employer is None or employer.rater_kind != RaterKind.EMPLOYER.value:
        return None
    if criterion.rater_kind == RaterKind.EMPLOYER.value:
        if final.decided_by == AS_IT_CAME.name:
            return None  # nobody moderated it
        return Moderation(by=final.decided_by, at=final.decided_at)
    return Moderation(by=criterion.rater_name, at=criterion.rated_at, employer=employer.rater_name,
                      employer_level=criterion.employer_level, reason=criterion.reason or None)


def _submitted_at(work: Work, employer: RubricRating | None) -> dt.datetime | None:
    """When the work went in for grading, which Canvas should keep (never "now"): when the
    supervisor signed the rating the score came from, else when the student last handed in."""
    if employer is not None:
        return employer.submitted_at
    handed_in = ([v.submitted_at for v in work.submission.versions if v.submitted_at]
                 if work.submission is not None else [])
    return handed_in[-1] if handed_in else None


def _column(session: Session, placement: Placement) -> int | None:
    """The resource link that opens the placement's task in its course (the newest one)."""
    return session.scalar(select(ResourceLink.id).where(
        ResourceLink.course_id == placement.course_id, ResourceLink.task_id == placement.task_id)
        .order_by(ResourceLink.id.desc()).limit(1))


def criterion_lines(rubric: Rubric, final: FinalScore) -> list[CriterionLine]:
    """Each criterion as the grade counts it: the level's worth of the criterion's best, in the
    rubric of the criteria observed (rescaled among themselves), so the lines add up to the
    score the LMS shows and the pages' worths read the same whenever every criterion counts."""
    counted = rubric.counted({c.criterion for c in final.criteria if c.level is None})
    criteria = {c.name: c for c in counted.criteria}
    lines = []
    for row in final.criteria:
        criterion = criteria.get(row.criterion)
        if criterion is None:  # not observed: out of the score and of its maximum
            lines.append(CriterionLine(row.criterion, None, None, 0.0, row.comment or None))
            continue
        # The final score's levels were checked against this version's rubric when decided.
        level = next(lv for lv in criterion.levels if lv.label == row.level)
        lines.append(CriterionLine(row.criterion, level.label, counted.worth(criterion, level),
                                   counted.best_worth(criterion), row.comment or None))
    return lines
