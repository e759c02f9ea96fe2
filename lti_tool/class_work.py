"""A placed task's submissions across the class, for the teacher: who handed in, late, missing.

Read in a fixed number of statements whatever the class size: the students, the submissions
with their versions, the current artifacts counted by kind, which works have a placement, the
final scores and the grades. The students who have never opened Worklink come from the
platform's class list (:mod:`lti_tool.class_list`): not started, and late once the due date has
passed.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from competencies.scoring.finals import (
    final_of_submission,
    placed_submissions,
    scored_submissions,
)
from competencies.scoring.model import FinalScore
from competencies.work.handing_in import status_of
from competencies.work.model import Artifact, PlacedTaskWork, Submission, SubmissionVersion
from competencies.work.submissions import PlacedTask, in_version
from competencies.work.vocabulary import ArtifactKind, Status
from lti_tool.lti.roster import Member
from lti_tool.models import DeliveryState, Enrollment, GradeOutbox, User
from lti_tool.security import Role

WAITING = frozenset({Status.SUBMITTED, Status.AWAITING_EMPLOYER})
"""Handed in and waiting for someone: the teacher, or the employer's rating."""
NOT_HANDED_IN = frozenset({Status.NOT_STARTED, Status.DRAFT, Status.RETURNED})


@dataclasses.dataclass(frozen=True)
class StudentWork:
    student_id: int | None
    """``None``: on the platform's class list, and has never opened Worklink in the course."""
    name: str
    status: Status
    submission_id: int | None
    version: int | None
    """The latest version's number."""
    handed_in_at: dt.datetime | None
    """When the latest handed-in version was handed in."""
    late: bool
    """The latest handed-in version came after the due date, or nothing came and it is past."""
    counts: dict[str, int]
    """Artifacts of the latest version by :class:`ArtifactKind` value."""
    hours: float

    @property
    def opened_worklink(self) -> bool:
        return self.student_id is not None


@dataclasses.dataclass(frozen=True)
class ClassWork:
    placed: PlacedTask
    rows: list[StudentWork]
    closed: bool
    prompts: list[str]

    @property
    def counts(self) -> dict[Status, int]:
        return dict(collections.Counter(row.status for row in self.rows))

    @property
    def late(self) -> int:
        return sum(1 for row in self.rows if row.late)

    @property
    def missing(self) -> int:
        return sum(1 for row in self.rows if row.status in NOT_HANDED_IN)

    @property
    def waiting(self) -> int:
        return sum(1 for row in self.rows if row.status in WAITING)


def class_work(session: Session, placed: PlacedTask, now: dt.datetime,
               not_opened: Sequence[Member] = ()) -> ClassWork:
    """The class's work on ``placed``: each student who has opened Worklink in the course, and
    each of ``not_opened`` (the class list's students who never have)."""
    link_id = placed.resource_link_id
    students = session.execute(
        select(User.id, User.name, User.given_name, User.family_name, User.email)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.course_id == placed.course_id, Enrollment.role == Role.STUDENT.value)
    ).all()
    # Plain rows, not ORM objects: a class is hundreds of submissions, read on every view.
    submitted = {row.student_id: row for row in session.execute(
        select(Submission.id, Submission.student_id, Submission.state,
               Submission.current_number)
        .where(Submission.resource_link_id == link_id))}
    handed: dict[int, tuple[int, dt.datetime | None, bool]] = {}
    for submission_id, number, submitted_at, late in session.execute(
            select(SubmissionVersion.submission_id, SubmissionVersion.number,
                   SubmissionVersion.submitted_at, SubmissionVersion.late)
            .join(Submission, SubmissionVersion.submission_id == Submission.id)
            .where(Submission.resource_link_id == link_id,
                   SubmissionVersion.submitted_at.is_not(None))):
        if submission_id not in handed or handed[submission_id][0] < number:
            handed[submission_id] = (number, submitted_at, late)
    counted: dict[int, dict[str, int]] = collections.defaultdict(dict)
    hours: dict[int, float] = {}
    for submission_id, kind, count, total in session.execute(
            select(Artifact.submission_id, Artifact.kind, func.count(), func.sum(Artifact.hours))
            .join(Submission, Artifact.submission_id == Submission.id)
            .where(Submission.resource_link_id == link_id,
                   in_version(Submission.current_number))  # type: ignore[arg-type]
            .group_by(Artifact.submission_id, Artifact.kind)):
        counted[submission_id][kind] = count
        if kind == ArtifactKind.HOURS.value:
            hours[submission_id] = float(total or 0)
    # A final score may be keyed by the submission or by any of the student's placements for
    # the task, and any of those placements' employers rates the work, one made after they
    # started included: the rule each submission page reads by.
    submission_ids = [s.id for s in submitted.values()]
    scored = scored_submissions(session, submission_ids)
    placed_ones = placed_submissions(session, submission_ids)
    graded = set(session.scalars(select(GradeOutbox.user_id).where(
        GradeOutbox.resource_link_id == link_id, GradeOutbox.state == DeliveryState.DELIVERED)))
    settings = session.get(PlacedTaskWork, link_id)
    due = placed.task.due_at
    rows = []
    for student_id, *name in students:
        submission = submitted.get(student_id)
        rows.append(_row(student_id, _name(*name), submission,
                         handed.get(submission.id) if submission else None, due, now,
                         employer_scored=placed.task.employer_scored,
                         placed=submission is not None and submission.id in placed_ones,
                         scored=submission is not None and submission.id in scored,
                         graded=student_id in graded,
                         counts=counted.get(submission.id, {}) if submission else {},
                         hours=hours.get(submission.id, 0.0) if submission else 0.0))
    rows += [_row(None, member.display_name, None, None, due, now,
                  employer_scored=placed.task.employer_scored, placed=False, scored=False,
                  graded=False, counts={}, hours=0.0) for member in not_opened]
    rows.sort(key=lambda r: r.name.casefold())
    return ClassWork(placed, rows, settings is not None and settings.closed_at is not None,
                     list(settings.reflection_prompts) if settings else [])


def _row(student_id: int | None, name: str, submission: Any, handed: tuple[int, dt.datetime | None, bool] | None,
         due: dt.datetime | None, now: dt.datetime, *, employer_scored: bool, placed: bool,
         scored: bool, graded: bool, counts: dict[str, int], hours: float) -> StudentWork:
    status = status_of(submission.state if submission else None, employer_scored=employer_scored,
                       has_placement=placed, scored=scored, graded=graded)
    overdue = due is not None and now > due and status in NOT_HANDED_IN
    return StudentWork(
        student_id=student_id, name=name, status=status,
        submission_id=submission.id if submission else None,
        version=submission.current_number if submission else None,
        handed_in_at=handed[1] if handed else None,
        late=bool(handed and handed[2]) or overdue, counts=counts, hours=round(hours, 2))


def submission_status(session: Session, submission: Submission, employer_scored: bool) -> Status:
    """One submission's status, with the work's final score and the grade's delivery."""
    return submission_status_with(session, submission, employer_scored,
                                  final_of_submission(session, submission))


def submission_status_with(session: Session, submission: Submission, employer_scored: bool,
                           final: FinalScore | None) -> Status:
    """One submission's status, given its work's final score (or ``None``), by the rules the
    class's page reads every row with."""
    graded = bool(session.scalar(select(exists().where(
        GradeOutbox.resource_link_id == submission.resource_link_id,
        GradeOutbox.user_id == submission.student_id,
        GradeOutbox.state == DeliveryState.DELIVERED))))
    return status_of(submission.state, employer_scored=employer_scored,
                     has_placement=bool(placed_submissions(session, [submission.id])),
                     scored=final is not None, graded=graded)


def _name(name: str | None, given: str | None, family: str | None, email: str | None) -> str:
    full = " ".join(p for p in (given, family) if p)
    return name or full or email or ""
