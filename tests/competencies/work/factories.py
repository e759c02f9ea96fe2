"""A class with a task placed in it (a resource link) that asks for every kind of artifact."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import submissions
from competencies.work.model import (
    Artifact,
    ExperienceSurvey,
    PlacedTaskWork,
    Submission,
    SubmissionVersion,
)
from competencies.work.stored_file import StoredFile
from competencies.work.submissions import PlacedTask
from lti_tool.models import ResourceLink
from tests.competencies.partners.factories import School, school

NOW = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
EVERYTHING = (AskedArtifact.FILES, AskedArtifact.LINKS, AskedArtifact.REFLECTION,
              AskedArtifact.HOURS_LOG, AskedArtifact.SUPERVISOR_SIGN_OFF)
_serial = itertools.count(1)


@dataclasses.dataclass
class Classwork:
    school: School
    placed: PlacedTask

    def student(self, n: int = 0) -> int:
        return self.school.student(n)

    def open(self, db: Session, n: int = 0) -> Submission:
        return submissions.open_submission(db, self.placed, self.student(n), NOW)

    def close(self, db: Session) -> None:
        db.merge(PlacedTaskWork(resource_link_id=self.placed.resource_link_id, closed_at=NOW))
        db.flush()


def classwork(db: Session, *, students: int = 3,
              asked: tuple[AskedArtifact, ...] = EVERYTHING) -> Classwork:
    s = school(db, students=students)
    task = db.get(Task, s.task_id)
    assert task is not None
    task.asked_artifacts = [kind.value for kind in asked]
    link = ResourceLink(course_id=s.context.course_id, resource_link_id=f"link-{next(_serial)}",
                        title=task.title, task_id=task.id)
    db.add(link)
    db.flush()
    return Classwork(s, PlacedTask(link.id, s.context.course_id, task))


def photo(n: int = 1) -> StoredFile:
    return StoredFile(key=f"ab/{n:064x}", sha256=f"{n:064x}", size=1000 + n,
                      media_type="image/jpeg", filename=f"site-{n}.jpg",
                      thumbnail_key=f"thumbs/{n:064x}")


def stored_rows(db: Session) -> tuple[object, ...]:
    """Everything the submission tables hold, to prove a refusal changed nothing."""
    rows: list[object] = []
    for model in (Submission, SubmissionVersion, Artifact, ExperienceSurvey):
        rows.append(db.scalar(select(func.count()).select_from(model)))
    for artifact in db.scalars(select(Artifact).order_by(Artifact.id)):
        rows.append((artifact.id, artifact.kind, artifact.first_version, artifact.replaced_in,
                     artifact.url, artifact.body_html, artifact.hours, artifact.confirmation))
    for version in db.scalars(select(SubmissionVersion).order_by(SubmissionVersion.id)):
        rows.append((version.id, version.submitted_at, version.returned_at))
    for submission in db.scalars(select(Submission).order_by(Submission.id)):
        rows.append((submission.id, submission.state, submission.current_number))
    return tuple(rows)
