"""The student's task page as data: the checklist, the draft's artifacts, hours, and history.

Read in a fixed handful of statements whatever the student's work holds: the submission, all
its artifacts at once (each version's are picked out in Python), its versions, the surveys, the
work's final score and the grade.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.partners.model import Placement
from competencies.scoring.finals import final_of_submission, placement_ids
from competencies.scoring.model import FinalScore
from competencies.tasks.model import TaskVersion
from competencies.tasks.versions import asked_artifacts_of, file_policy_of, freeze, rubric_of
from competencies.tasks.vocabulary import AskedArtifact, ContinuumStage
from competencies.work import handing_in, submissions
from competencies.work.file_policy import FilePolicy
from competencies.work.handing_in import ChecklistItem
from competencies.work.hours import HoursTotal, totals_of
from competencies.work.model import (
    Artifact,
    CareerInterest,
    ExperienceSurvey,
    PlacedTaskWork,
    Submission,
    SubmissionVersion,
)
from competencies.work.submissions import PlacedTask
from competencies.work.vocabulary import ArtifactKind, Status
from lti_tool.class_work import submission_status_with
from lti_tool.grades.from_scoring import criterion_lines
from lti_tool.grades.payload import CriterionLine
from lti_tool.task_view import TaskView, task_view


@dataclasses.dataclass(frozen=True)
class VersionView:
    version: SubmissionVersion
    artifacts: dict[str, list[Artifact]]
    survey: ExperienceSurvey | None


@dataclasses.dataclass(frozen=True)
class Result:
    """The work's final score as the student reads it: the total and, per criterion, the
    level's name, what it adds to the score, and the rater's comment; never the moderation
    (the employer's level a teacher changed, the reason), which is between the adults."""

    given: float
    maximum: float
    lines: list[CriterionLine]


@dataclasses.dataclass(frozen=True)
class WorkPage:
    placed: PlacedTask
    view: TaskView
    submission: Submission | None
    status: Status
    checklist: list[ChecklistItem]
    current: dict[str, list[Artifact]]
    """The latest version's artifacts by :class:`ArtifactKind` value."""
    hours: HoursTotal
    prompts: list[str]
    closed: bool
    due_at: dt.datetime | None
    overdue: bool
    """Past the due date and not handed in: shown, never a reason to refuse."""
    history: list[VersionView]
    """Every version handed in, newest first, exactly as it was handed in."""
    returned: SubmissionVersion | None
    """The version the teacher returned, while the student revises it."""
    survey: ExperienceSurvey | None
    interest: CareerInterest | None
    stages: list[ContinuumStage]
    files: FilePolicy
    """What the frozen task accepts of files (before the instance's limits)."""
    result: Result | None = None
    """The final score, once there is one and the work is not back with the student."""

    @property
    def editable(self) -> bool:
        return not self.closed and (self.submission is None
                                    or submissions.is_editable(self.submission))

    @property
    def missing(self) -> list[AskedArtifact]:
        return handing_in.missing(self.checklist)

    @property
    def next_number(self) -> int:
        """The number the next hand-in gets."""
        if self.submission is None:
            return 1
        latest = self.submission.versions[-1]
        return latest.number + 1 if latest.submitted_at is not None else latest.number

    def asks(self, kind: str) -> bool:
        return any(item.kind.value == kind for item in self.checklist)


def work_page(session: Session, placed: PlacedTask, student_id: int,
              now: dt.datetime) -> WorkPage:
    submission = submissions.find_submission(session, placed.resource_link_id, student_id)
    if submission is not None:
        version = session.get(TaskVersion, submission.task_version_id)
        assert version is not None
    else:
        # First view freezes the task: the work to come answers this version.
        version = freeze(session, placed.task)
    asked = asked_artifacts_of(version)
    settings = session.get(PlacedTaskWork, placed.resource_link_id)
    closed = settings is not None and settings.closed_at is not None
    prompts = list(settings.reflection_prompts) if settings is not None else []
    everything: list[Artifact] = []
    history: list[VersionView] = []
    surveys: dict[int, ExperienceSurvey] = {}
    expected = version.snapshot.get("expected_hours")
    status = Status.NOT_STARTED
    result = None
    if submission is not None:
        everything = list(session.scalars(select(Artifact).where(
            Artifact.submission_id == submission.id).order_by(Artifact.id)))
        versions = submission.versions
        surveys = {s.version_id: s for s in session.scalars(select(ExperienceSurvey).where(
            ExperienceSurvey.version_id.in_([v.id for v in versions])))}
        history = [VersionView(v, _by_kind(a for a in everything if a.in_version(v.number)),
                               surveys.get(v.id))
                   for v in reversed(versions) if v.submitted_at is not None]
        final = final_of_submission(session, submission)
        status = submission_status_with(session, submission,
                                        bool(version.snapshot.get("employer_scored")), final)
        if final is not None and status in (Status.SCORED, Status.GRADED):
            result = _result(session, final)
        # The hours its placement expects: of any placement the work belongs to (one made after
        # the student started too), the newest that says.
        placed_hours = session.scalar(
            select(Placement.expected_hours)
            .where(Placement.id.in_(placement_ids(placement=None, submission=submission)),
                   Placement.expected_hours.is_not(None))
            .order_by(Placement.id.desc()).limit(1))
        if placed_hours is not None:
            expected = placed_hours
    number = submission.current_number if submission is not None else 1
    current = [a for a in everything if a.in_version(number)]
    by_kind = _by_kind(current)
    latest = submission.versions[-1] if submission is not None else None
    returned = next((v for v in reversed(submission.versions) if v.returned_at is not None),
                    None) if submission is not None and submission.state == "returned" else None
    due_at = placed.task.due_at
    handed_in = latest is not None and latest.submitted_at is not None
    return WorkPage(
        placed=placed, view=task_view(session, placed.task), submission=submission,
        status=status, checklist=handing_in.checklist(asked, current), current=by_kind,
        hours=totals_of(by_kind.get(ArtifactKind.HOURS.value, []), expected),
        prompts=prompts, closed=closed, due_at=due_at,
        overdue=due_at is not None and now > due_at and not handed_in,
        history=history, returned=returned,
        survey=next((h.survey for h in history if h.survey is not None), None),
        interest=session.get(CareerInterest, student_id), stages=list(ContinuumStage),
        files=file_policy_of(version), result=result)


def _result(session: Session, final: FinalScore) -> Result | None:
    """The lines the gradebook's comment is made of (their worths add up to the score)."""
    scored_on = session.get(TaskVersion, final.task_version_id)
    rubric = rubric_of(scored_on) if scored_on is not None else None
    if rubric is None:  # pragma: no cover - a final score is only made against a rubric
        return None
    return Result(final.given, final.maximum, criterion_lines(rubric, final))


def _by_kind(artifacts: Iterable[Artifact]) -> dict[str, list[Artifact]]:
    grouped: dict[str, list[Artifact]] = {}
    for artifact in artifacts:
        grouped.setdefault(artifact.kind, []).append(artifact)
    return grouped
