"""The student's work on a placed task, and its one final score.

One rule: a student has one final score per placed task, whichever way it was decided. The
employer's way reaches the work through the placement (the supervisor rates it, the teacher
moderates); the teacher's own way through the submission (the work handed in, scored from the
submission page, with or without a placement). Either finds the same :class:`FinalScore`, and
every teacher decision (accepting or adjusting an employer's rating, scoring the rubric
directly, from the placement or from the submission) replaces it in place, the audit log
keeping what it was. An employer rating that arrives once a score is final never replaces it by
itself: it waits for the teacher's moderation, even where the task accepts employer ratings as
they come (:func:`competencies.scoring.ratings.submit`).

A final score keeps the one key it was made with (:attr:`FinalScore.work_ref`), so the grade
and the evidence a later decision gives replace exactly those of the earlier one.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from competencies.partners.model import Placement
from competencies.scoring.model import FinalScore
from competencies.work.for_supervisor import submission_for
from competencies.work.model import Submission


@dataclasses.dataclass(frozen=True)
class Work:
    """Whose work on which placed task a final score is for: the student's placement (where an
    employer rates), their submission (what they handed in), or both."""

    registration_id: int
    course_id: int
    student_id: int
    placement: Placement | None = None
    submission: Submission | None = None

    @classmethod
    def of_placement(cls, session: Session, placement: Placement) -> Work:
        return cls(placement.registration_id, placement.course_id, placement.student_id,
                   placement, submission_for(session, placement))

    @classmethod
    def of_submission(cls, session: Session, submission: Submission,
                      registration_id: int) -> Work:
        """``registration_id`` is the tenant of the submission's course (the shell knows it)."""
        return cls(registration_id, submission.course_id, submission.student_id,
                   placement_of(session, submission), submission)


def placement_of(session: Session, submission: Submission) -> Placement | None:
    """The student's placement for the submission's task: the one it started with, else one
    made after they started (the newest), as :func:`submission_for` finds the other way."""
    if submission.placement_id is not None:
        found = session.get(Placement, submission.placement_id)
        if found is not None:
            return found
    return session.scalar(
        select(Placement).where(Placement.course_id == submission.course_id,
                                Placement.student_id == submission.student_id,
                                Placement.task_id == submission.task_id)
        .order_by(Placement.id.desc()).limit(1))


def final_for(session: Session, work: Work) -> FinalScore | None:
    """The work's final score, made through its placement or through its submission."""
    return final_of(session, placement=work.placement, submission=work.submission)


def final_of_submission(session: Session, submission: Submission) -> FinalScore | None:
    """The final score of the work the submission is, whichever way it was made."""
    return final_of(session, placement=placement_of(session, submission), submission=submission)


def final_of(session: Session, *, placement: Placement | None,
             submission: Submission | None) -> FinalScore | None:
    keys = []
    if placement is not None:
        keys.append(FinalScore.placement_id == placement.id)
    if submission is not None:
        keys.append(FinalScore.submission_id == submission.id)
    if not keys:
        return None
    return session.scalar(select(FinalScore).where(or_(*keys)).order_by(FinalScore.id).limit(1))


def new_final(work: Work) -> FinalScore:
    """A first final score for the work, keyed by its placement when it has one (as every
    final score was before the teacher could score a submission), else by its submission."""
    if work.placement is not None:
        return FinalScore(placement_id=work.placement.id)
    assert work.submission is not None
    return FinalScore(submission_id=work.submission.id)
