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
and the evidence a later decision gives replace exactly those of the earlier one. Whatever that
key, it is found from every side of the work: from the submission, from the placement the
student started with, and from any placement of theirs for the task made later (placed only
after they started, or placed again with another partner). :func:`placed_for_the_work` is that
rule, the one condition a single submission, a placement and a whole class are all read with.
The same placements are the ones whose employers' ratings belong to the work
(:func:`placements_of`): every page that says a work awaits its employer, and every teacher
decision that sets the waiting ratings aside, reads them so.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from sqlalchemy import ColumnElement, Select, and_, false, or_, select, union
from sqlalchemy.orm import QueryableAttribute, Session

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


Key = int | None | QueryableAttribute[int] | QueryableAttribute[int | None]
"""A value of one submission or placement, or a :class:`Submission` column."""


def placed_for_the_work(course_id: Key, student_id: Key, task_id: Key,
                        placement_id: Key) -> ColumnElement[bool]:
    """The placements a final score of the work may be keyed by, as a condition on
    :class:`Placement`: the student's placements for the task in the course, and the one named
    (the placement the submission started with, kept even if it now counts for a copy of the
    task). Takes values for one submission or placement, or :class:`Submission`'s columns to
    read a whole class in one statement."""
    return and_(Placement.course_id == course_id, Placement.student_id == student_id,
                or_(Placement.task_id == task_id, Placement.id == placement_id))


def placement_ids(*, placement: Placement | None,
                  submission: Submission | None) -> Select[int]:
    """The ids of the work's placements, as :func:`placed_for_the_work` finds them from its
    submission and from its placement (either may be missing), for a statement to use."""
    keys: list[ColumnElement[bool]] = []
    if submission is not None:
        keys.append(placed_for_the_work(submission.course_id, submission.student_id,
                                        submission.task_id, submission.placement_id))
    if placement is not None:
        keys.append(placed_for_the_work(placement.course_id, placement.student_id,
                                        placement.task_id, placement.id))
    return select(Placement.id).where(or_(*keys) if keys else false())


def placements_of(session: Session, work: Work) -> list[Placement]:
    """The student's placements the work belongs to, oldest first: whose employers' ratings
    are ratings of this work, and whose key its final score may have."""
    return list(session.scalars(select(Placement).where(Placement.id.in_(
        placement_ids(placement=work.placement, submission=work.submission)))
        .order_by(Placement.id)))


def final_for(session: Session, work: Work) -> FinalScore | None:
    """The work's final score, made through a placement or through its submission."""
    return final_of(session, placement=work.placement, submission=work.submission)


def final_of_submission(session: Session, submission: Submission) -> FinalScore | None:
    """The final score of the work the submission is, whichever way it was made."""
    return final_of(session, placement=placement_of(session, submission), submission=submission)


def final_of(session: Session, *, placement: Placement | None,
             submission: Submission | None) -> FinalScore | None:
    if placement is None and submission is None:
        return None
    through_a_placement = FinalScore.placement_id.in_(
        placement_ids(placement=placement, submission=submission))
    key = (or_(FinalScore.submission_id == submission.id, through_a_placement)
           if submission is not None else through_a_placement)
    return session.scalar(select(FinalScore).where(key).order_by(FinalScore.id).limit(1))


def _with_their_placements(submission_ids: Collection[int]) -> Select[int]:
    """The submissions joined to each of their work's placements (one row per pair)."""
    return (select(Submission.id)
            .join(Placement, placed_for_the_work(Submission.course_id, Submission.student_id,
                                                 Submission.task_id, Submission.placement_id))
            .where(Submission.id.in_(submission_ids)))


def placed_submissions(session: Session, submission_ids: Collection[int]) -> set[int]:
    """Those of the submissions whose work has a placement (:func:`placements_of`), in one
    statement however many they are: the works an employer rates."""
    if not submission_ids:
        return set()
    return set(session.scalars(_with_their_placements(submission_ids).distinct()))


def scored_submissions(session: Session, submission_ids: Collection[int]) -> set[int]:
    """Those of the submissions whose work has a final score, as :func:`final_of_submission`
    finds it for each, in one statement however many they are."""
    if not submission_ids:
        return set()
    through_a_placement = _with_their_placements(submission_ids).join(
        FinalScore, FinalScore.placement_id == Placement.id)
    own = select(FinalScore.submission_id).where(FinalScore.submission_id.in_(submission_ids))
    return {found for found in session.scalars(union(through_a_placement, own))
            if found is not None}


def new_final(work: Work) -> FinalScore:
    """A first final score for the work, keyed by its placement when it has one (as every
    final score was before the teacher could score a submission), else by its submission."""
    if work.placement is not None:
        return FinalScore(placement_id=work.placement.id)
    assert work.submission is not None
    return FinalScore(submission_id=work.submission.id)
