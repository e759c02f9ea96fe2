"""A student's submission for a placed task: finding it, who may see it, its versions, its files.

The seam the upload side plugs into:

* :func:`open_submission` finds or starts the student's submission for a placed task
  (:class:`PlacedTask`), and :func:`student_submission` / :func:`course_submission` fetch one
  by id for its own student or the course's teachers, answering "not found" otherwise;
* :func:`check_room_for_file` says, before an upload starts, whether a file may still be added
  (raising :class:`WorkRefused` with a message fit to show), and :func:`add_file` records a
  finished upload (a :class:`~competencies.work.stored_file.StoredFile`) as an artifact of the
  draft being written;
* :func:`file_artifacts` lists the files of one version, and :func:`viewable_file` finds one file
  artifact for someone allowed to see it (:class:`Viewer`), for serving.

Every function flushes at most; the caller commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from competencies.messages import N_, Message, Refused
from competencies.partners.model import Placement
from competencies.tasks.model import Task, TaskVersion
from competencies.tasks.versions import asked_artifacts_of, freeze
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import (
    Artifact,
    PlacedTaskWork,
    ReleasedFile,
    Submission,
    SubmissionVersion,
)
from competencies.work.stored_file import StoredFile
from competencies.work.vocabulary import ArtifactKind, SubmissionState

MAX_FILES = 20
"""Files one version may hold: enough for a placement's photos, few enough to read them all."""


class WorkRefused(Refused):
    """A change to a student's work refused, with a message fit to show; nothing was changed.

    ``template`` is marked for translation (``N_``) and formatted with ``params`` (kept apart
    too, for the upload protocol's answers, which are never counted), or is a whole
    :class:`Message` (a counted one); ``field`` names the input at fault, so the page can link
    its error summary to it.
    """

    def __init__(self, template: str | Message, *, field: str | None = None,
                 **params: Any) -> None:
        super().__init__(template, **params)
        self.template = template if isinstance(template, str) else template.template
        self.params = params if isinstance(template, str) else template.params
        self.field = field
        """The form field the message is about, when it is about one (``url``, ``hours``…)."""


class SubmissionNotFound(WorkRefused):
    """No such submission for whoever asks: another student's id reads as a missing one."""

    def __init__(self) -> None:
        super().__init__(N_("There is no such submission."))


class TaskClosed(WorkRefused):
    def __init__(self) -> None:
        super().__init__(N_("Your teacher has closed this task: work can no longer be added "
                            "or changed."))


class NotEditable(WorkRefused):
    def __init__(self) -> None:
        super().__init__(N_("You have handed this work in; it can only change if your teacher "
                            "returns it for revision."))


class NotAsked(WorkRefused):
    def __init__(self, what: str) -> None:
        super().__init__(N_("This task does not ask for %(what)s."), what=what)


@dataclasses.dataclass(frozen=True)
class PlacedTask:
    """One task placed in a course (the shell's ``resource_link`` row) and the task it opens."""

    resource_link_id: int
    course_id: int
    task: Task


@dataclasses.dataclass(frozen=True)
class Viewer:
    """Who asks to see work: a user of a course, staff or not (the shell's principal, plainly)."""

    user_id: int | None
    course_id: int | None
    is_staff: bool


def find_submission(session: Session, resource_link_id: int, student_id: int) -> Submission | None:
    return session.scalar(select(Submission).where(Submission.resource_link_id == resource_link_id,
                                                   Submission.student_id == student_id))


def open_submission(session: Session, placed: PlacedTask, student_id: int,
                    now: dt.datetime) -> Submission:
    """The student's submission for the placed task, started (as an empty draft) if need be.

    Starting one freezes the task: the submission answers that version for good, even when
    the teacher edits the task afterwards.
    """
    found = find_submission(session, placed.resource_link_id, student_id)
    if found is not None:
        return found
    version = freeze(session, placed.task)
    placement_id = session.scalar(
        select(Placement.id).where(Placement.course_id == placed.course_id,
                                   Placement.student_id == student_id,
                                   Placement.task_id == placed.task.id)
        .order_by(Placement.id.desc()).limit(1))
    submission = Submission(
        resource_link_id=placed.resource_link_id, course_id=placed.course_id,
        student_id=student_id, task_id=placed.task.id, task_version_id=version.id,
        placement_id=placement_id, state=SubmissionState.DRAFT.value, current_number=1,
        created_at=now, updated_at=now)
    submission.versions.append(SubmissionVersion(number=1, created_at=now))
    try:
        with session.begin_nested():
            session.add(submission)
    except IntegrityError:
        # The same student in two tabs at once: the other request started it first.
        winner = find_submission(session, placed.resource_link_id, student_id)
        if winner is None:
            raise
        return winner
    return submission


def student_submission(session: Session, submission_id: int, student_id: int) -> Submission:
    """The submission, only if it is this student's own."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.student_id != student_id:
        raise SubmissionNotFound()
    return submission


def course_submission(session: Session, submission_id: int, course_id: int) -> Submission:
    """The submission, only if it was made in this course."""
    submission = session.get(Submission, submission_id)
    if submission is None or submission.course_id != course_id:
        raise SubmissionNotFound()
    return submission


def may_view(submission: Submission, viewer: Viewer) -> bool:
    """The student themself, and the staff of the course it was made in."""
    if viewer.is_staff:
        return viewer.course_id == submission.course_id
    return viewer.user_id is not None and viewer.user_id == submission.student_id


def task_version(session: Session, submission: Submission) -> TaskVersion:
    version = session.get(TaskVersion, submission.task_version_id)
    assert version is not None  # RESTRICT keeps it while a submission points to it
    return version


def asked_for(session: Session, submission: Submission) -> list[AskedArtifact]:
    """What the frozen task asks the student to hand in, in the task's order."""
    return asked_artifacts_of(task_version(session, submission))


def is_closed(session: Session, resource_link_id: int) -> bool:
    work = session.get(PlacedTaskWork, resource_link_id)
    return work is not None and work.closed_at is not None


def latest_version(submission: Submission) -> SubmissionVersion:
    return submission.versions[-1]


def is_editable(submission: Submission) -> bool:
    """The student may change their work: a draft, or a version returned for revision."""
    return submission.state != SubmissionState.SUBMITTED.value


def check_editable(session: Session, submission: Submission) -> None:
    if is_closed(session, submission.resource_link_id):
        raise TaskClosed()
    if not is_editable(submission):
        raise NotEditable()


def working_version(session: Session, submission: Submission,
                    now: dt.datetime) -> SubmissionVersion:
    """The draft the student is writing; after a return for revision, a new version opens."""
    check_editable(session, submission)
    latest = latest_version(submission)
    if latest.submitted_at is None:
        return latest
    # Returned: the next version starts with every artifact of the last one (they carry on
    # by reference, see the model), and the returned version stays as it was handed in.
    opened = SubmissionVersion(number=latest.number + 1, created_at=now)
    submission.versions.append(opened)
    submission.current_number = opened.number
    submission.updated_at = now
    session.flush()
    return opened


def check_asked(session: Session, submission: Submission, kind: AskedArtifact) -> None:
    if kind not in asked_for(session, submission):
        raise NotAsked(_WHAT[kind])


_WHAT = {
    AskedArtifact.FILES: N_("files or photos"),
    AskedArtifact.LINKS: N_("links"),
    AskedArtifact.REFLECTION: N_("a reflection"),
    AskedArtifact.HOURS_LOG: N_("an hours log"),
    AskedArtifact.SUPERVISOR_SIGN_OFF: N_("a supervisor's sign-off"),
}


def current_artifacts(session: Session, submission: Submission,
                      kind: ArtifactKind | None = None) -> list[Artifact]:
    """The artifacts of the latest version, oldest first."""
    return artifacts_in(session, submission.id, submission.current_number, kind)


def artifacts_in(session: Session, submission_id: int, number: int,
                 kind: ArtifactKind | None = None) -> list[Artifact]:
    """The artifacts of version ``number`` exactly as it stood (or stands), oldest first."""
    query = select(Artifact).where(Artifact.submission_id == submission_id,
                                   in_version(number))
    if kind is not None:
        query = query.where(Artifact.kind == kind.value)
    return list(session.scalars(query.order_by(Artifact.id)))


def in_version(number: int) -> Any:
    """The condition on :class:`Artifact` for "part of version ``number``"."""
    return and_(Artifact.first_version <= number,
                or_(Artifact.replaced_in.is_(None), Artifact.replaced_in > number))


def check_room_for_file(session: Session, submission: Submission, *,
                        max_files: int = MAX_FILES) -> None:
    """Refuse, before an upload starts, a file that :func:`add_file` would refuse."""
    check_editable(session, submission)
    check_asked(session, submission, AskedArtifact.FILES)
    held = session.scalar(select(func.count()).select_from(Artifact).where(
        Artifact.submission_id == submission.id, Artifact.kind == ArtifactKind.FILE.value,
        in_version(submission.current_number))) or 0
    if held >= max_files:
        raise WorkRefused(N_("This work already holds %(count)d files, the most one version "
                             "may hold; remove one before adding another."), count=max_files)


def add_file(session: Session, submission: Submission, stored: StoredFile, now: dt.datetime, *,
             max_files: int = MAX_FILES) -> Artifact:
    """Record a finished upload as a file artifact of the draft being written."""
    check_room_for_file(session, submission, max_files=max_files)
    version = working_version(session, submission, now)
    artifact = Artifact(
        submission_id=submission.id, kind=ArtifactKind.FILE.value, first_version=version.number,
        created_at=now, file_key=stored.key, sha256=stored.sha256, size=stored.size,
        media_type=stored.media_type, filename=stored.filename,
        thumbnail_key=stored.thumbnail_key)
    return _added(session, submission, artifact, now)


def file_artifacts(session: Session, version: SubmissionVersion) -> list[Artifact]:
    """The files of one version (``file_key``, ``thumbnail_key``, ``media_type``, ``filename``,
    ``size`` on each), oldest first."""
    return artifacts_in(session, version.submission_id, version.number, ArtifactKind.FILE)


def viewable_file(session: Session, artifact_id: int, viewer: Viewer) -> Artifact:
    """A file artifact for someone allowed to see it; anyone else is told there is none."""
    artifact = session.get(Artifact, artifact_id)
    if artifact is None or artifact.kind != ArtifactKind.FILE.value:
        raise SubmissionNotFound()
    submission = session.get(Submission, artifact.submission_id)
    if submission is None or not may_view(submission, viewer):
        raise SubmissionNotFound()
    return artifact


def _added(session: Session, submission: Submission, artifact: Artifact,
           now: dt.datetime) -> Artifact:
    session.add(artifact)
    submission.updated_at = now
    session.flush()
    return artifact


def remove_artifact(session: Session, submission: Submission, artifact_id: int,
                    now: dt.datetime) -> None:
    """Take an artifact out of the draft; one handed in before stays in its earlier versions."""
    check_editable(session, submission)
    artifact = session.get(Artifact, artifact_id)
    if (artifact is None or artifact.submission_id != submission.id
            or not artifact.in_version(submission.current_number)
            or artifact.kind == ArtifactKind.SIGN_OFF.value):
        raise WorkRefused(N_("That item is not part of your current work."))
    if artifact.kind == ArtifactKind.HOURS.value and artifact.confirmation == "confirmed":
        raise WorkRefused(N_("Your supervisor confirmed these hours; they can no longer be "
                             "changed."))
    version = working_version(session, submission, now)
    retire(session, artifact, version.number)
    submission.updated_at = now
    session.flush()


def retire(session: Session, artifact: Artifact, number: int) -> None:
    """``artifact`` no longer counts from version ``number``: deleted if it was only ever part
    of that draft (a file's stored bytes released with it), otherwise kept for the versions it
    was handed in with."""
    if artifact.first_version >= number:
        session.add_all(ReleasedFile(key=key) for key in (artifact.file_key,
                                                          artifact.thumbnail_key) if key)
        session.delete(artifact)
    else:
        artifact.replaced_in = number


def add_artifact(session: Session, submission: Submission, kind: AskedArtifact,
                 values: Mapping[str, Any], now: dt.datetime) -> Artifact:
    """Add an artifact of an asked-for kind to the draft (callers validate ``values`` first)."""
    check_editable(session, submission)
    check_asked(session, submission, kind)
    version = working_version(session, submission, now)
    artifact = Artifact(submission_id=submission.id, kind=_ARTIFACT_OF[kind].value,
                        first_version=version.number, created_at=now, **values)
    return _added(session, submission, artifact, now)


_ARTIFACT_OF = {
    AskedArtifact.FILES: ArtifactKind.FILE,
    AskedArtifact.LINKS: ArtifactKind.LINK,
    AskedArtifact.REFLECTION: ArtifactKind.REFLECTION,
    AskedArtifact.HOURS_LOG: ArtifactKind.HOURS,
    AskedArtifact.SUPERVISOR_SIGN_OFF: ArtifactKind.SIGN_OFF,
}


def artifact_kind_of(kind: AskedArtifact) -> ArtifactKind:
    return _ARTIFACT_OF[kind]
