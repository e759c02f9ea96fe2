"""Handing work in and sending it back: what is still missing, submitting, returning, status."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy.orm import Session

from competencies.messages import N_
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import Artifact, Submission, SubmissionVersion
from competencies.work.submissions import (
    WorkRefused,
    artifact_kind_of,
    asked_for,
    check_editable,
    current_artifacts,
    latest_version,
    working_version,
)
from competencies.work.vocabulary import ArtifactKind, Status, SubmissionState
from competencies.work.voice import SurveyAnswers, record_survey

COMMENT_MAX = 5000

STUDENT_HANDS_IN = frozenset({AskedArtifact.FILES, AskedArtifact.LINKS, AskedArtifact.REFLECTION,
                              AskedArtifact.HOURS_LOG})
"""What the student must hand in before submitting; the sign-off is the supervisor's to give."""


@dataclasses.dataclass(frozen=True)
class ChecklistItem:
    kind: AskedArtifact
    count: int
    """Artifacts of this kind in the latest version."""
    by_student: bool
    """False for the supervisor's sign-off, which the employer gives."""

    @property
    def done(self) -> bool:
        return self.count > 0


class MissingItems(WorkRefused):
    """Submitting refused: these asked-for kinds have nothing in the draft."""

    def __init__(self, kinds: list[AskedArtifact]) -> None:
        super().__init__(N_("Before handing in, add what the task still asks for: %(items)s."),
                         items=", ".join(kind.label.lower() for kind in kinds))
        self.kinds = kinds


def checklist(asked: Iterable[AskedArtifact], artifacts: Iterable[Artifact]) -> list[ChecklistItem]:
    """What the task asks for, each with how many artifacts the work holds of it."""
    counts: dict[str, int] = {}
    for artifact in artifacts:
        counts[artifact.kind] = counts.get(artifact.kind, 0) + 1
    return [ChecklistItem(kind, counts.get(artifact_kind_of(kind).value, 0),
                          kind in STUDENT_HANDS_IN) for kind in asked]


def missing(items: Iterable[ChecklistItem]) -> list[AskedArtifact]:
    return [item.kind for item in items if item.by_student and not item.done]


def submit(session: Session, submission: Submission, now: dt.datetime, *,
           due_at: dt.datetime | None, survey: SurveyAnswers | None = None) -> SubmissionVersion:
    """Hand the draft in: it is frozen as it stands. Late is recorded, never refused."""
    if survey is not None:
        survey.check()
    check_editable(session, submission)
    # Checked before a returned submission opens its next version, so a refusal adds nothing.
    items = checklist(asked_for(session, submission), current_artifacts(session, submission))
    lacking = missing(items)
    if lacking:
        raise MissingItems(lacking)
    version = working_version(session, submission, now)
    version.submitted_at = now
    version.late = due_at is not None and now > due_at
    submission.state = SubmissionState.SUBMITTED.value
    submission.updated_at = now
    if survey is not None:
        record_survey(session, version, survey, now)
    session.flush()
    return version


def return_for_revision(session: Session, submission: Submission, comment: str,
                        teacher_name: str, now: dt.datetime) -> SubmissionVersion:
    """The teacher sends the latest handed-in version back with a comment the student reads."""
    comment = comment.strip()
    if not comment:
        raise WorkRefused(N_("Say what the student should change: the comment is what they "
                             "read."))
    if len(comment) > COMMENT_MAX:
        raise WorkRefused(N_("Keep the comment under %(max)d characters."), max=COMMENT_MAX)
    version = latest_version(submission)
    if submission.state != SubmissionState.SUBMITTED.value or version.submitted_at is None:
        raise WorkRefused(N_("Only work that was handed in can be returned for revision."))
    version.returned_at = now
    version.returned_by = teacher_name
    version.return_comment = comment
    submission.state = SubmissionState.RETURNED.value
    submission.updated_at = now
    session.flush()
    return version


def status_of(state: str | None, *, employer_scored: bool = False, has_placement: bool = False,
              scored: bool = False, graded: bool = False) -> Status:
    """The status people read: the student's own state, then what scoring and grading say."""
    if state is None:
        return Status.NOT_STARTED
    if state == SubmissionState.DRAFT.value:
        return Status.DRAFT
    if state == SubmissionState.RETURNED.value:
        return Status.RETURNED
    if graded:
        return Status.GRADED
    if scored:
        return Status.SCORED
    if employer_scored and has_placement:
        return Status.AWAITING_EMPLOYER
    return Status.SUBMITTED


def artifact_counts(artifacts: Iterable[Artifact]) -> dict[ArtifactKind, int]:
    counts: dict[ArtifactKind, int] = {}
    for artifact in artifacts:
        kind = ArtifactKind(artifact.kind)
        counts[kind] = counts.get(kind, 0) + 1
    return counts
