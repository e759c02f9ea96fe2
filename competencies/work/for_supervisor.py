"""What a placement's supervisor sees of the student's work, and the hours they may review.

The supervisor reads what the student handed in (the latest version handed in, never a draft
the student is still writing) and reviews the hours log as it stands, since hours are confirmed
while the placement runs. Everything is found through the placement, so a supervisor's link
can never reach another student's work.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.messages import N_
from competencies.partners.model import Placement
from competencies.work.hours import HoursTotal, confirm_hours, dispute_hours, totals_of
from competencies.work.model import Artifact, Submission, SubmissionVersion
from competencies.work.submissions import WorkRefused, artifacts_in
from competencies.work.vocabulary import ArtifactKind


@dataclasses.dataclass(frozen=True)
class SupervisorView:
    submission: Submission | None
    handed_in: SubmissionVersion | None
    """The latest version the student handed in; ``None`` while they have handed in nothing."""
    files: list[Artifact]
    links: list[Artifact]
    reflections: list[Artifact]
    hours: list[Artifact]
    """The hours log as it stands now, oldest first, for the supervisor to review."""
    total: HoursTotal


def submission_for(session: Session, placement: Placement) -> Submission | None:
    """The student's submission for the placement's task in the placement's course."""
    by_placement = session.scalar(select(Submission).where(Submission.placement_id == placement.id))
    if by_placement is not None:
        return by_placement
    # A placement made after the student started: the same student, course and task.
    return session.scalar(
        select(Submission).where(Submission.course_id == placement.course_id,
                                 Submission.student_id == placement.student_id,
                                 Submission.task_id == placement.task_id)
        .order_by(Submission.id.desc()).limit(1))


def view_for(session: Session, placement: Placement) -> SupervisorView:
    submission = submission_for(session, placement)
    if submission is None:
        return SupervisorView(None, None, [], [], [], [], totals_of([], placement.expected_hours))
    handed_in = next((v for v in reversed(submission.versions) if v.submitted_at is not None), None)
    shown = artifacts_in(session, submission.id, handed_in.number) if handed_in else []
    hours = artifacts_in(session, submission.id, submission.current_number, ArtifactKind.HOURS)
    expected = placement.expected_hours
    return SupervisorView(
        submission, handed_in,
        files=[a for a in shown if a.kind == ArtifactKind.FILE.value],
        links=[a for a in shown if a.kind == ArtifactKind.LINK.value],
        reflections=[a for a in shown if a.kind == ArtifactKind.REFLECTION.value],
        hours=hours, total=totals_of(hours, expected))


def file_for(session: Session, placement: Placement, artifact_id: int) -> Artifact:
    """A file the student handed in for this placement; refused for anything else."""
    view = view_for(session, placement)
    found = next((a for a in view.files if a.id == artifact_id), None)
    if found is None:
        raise WorkRefused(N_("That file is not part of this student's work."))
    return found


def review_hours(session: Session, placement: Placement, entry_id: int, *, confirm: bool,
                 supervisor_name: str, note: str, now: dt.datetime) -> Artifact:
    """Confirm or dispute one entry of this placement's hours log (the caller commits)."""
    view = view_for(session, placement)
    if all(entry.id != entry_id for entry in view.hours):
        raise WorkRefused(N_("That entry is not in this student's hours log."))
    if confirm:
        return confirm_hours(session, entry_id, supervisor_name, now)
    return dispute_hours(session, entry_id, supervisor_name, note, now)
