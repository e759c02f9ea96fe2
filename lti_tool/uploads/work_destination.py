"""The uploads' destination: the student's submission, through :mod:`competencies.work.submissions`."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.tasks.model import Task
from competencies.tasks.versions import file_policy_of
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import submissions
from competencies.work.file_policy import FilePolicy, Refusal
from competencies.work.model import Artifact, Submission
from competencies.work.stored_file import StoredFile
from competencies.work.vocabulary import ArtifactKind
from lti_tool.models import ResourceLink

WORK_REFUSED = "work_refused"
"""A refusal whose sentence comes from the work domain (closed task, work handed in); its string
values are marked words too, translated where it is shown."""


class SubmissionDestination:
    """Files join the student's own submission, in the draft being written."""

    def policy(self, session: Session, user_id: int, course_id: int, submission_id: int
               ) -> FilePolicy | Refusal | None:
        try:
            submission = submissions.student_submission(session, submission_id, user_id)
        except submissions.SubmissionNotFound:
            return None
        if submission.course_id != course_id:
            return None
        try:
            submissions.check_editable(session, submission)
            submissions.check_asked(session, submission, AskedArtifact.FILES)
        except submissions.WorkRefused as refused:
            return Refusal(WORK_REFUSED, refused.template, refused.params)
        # The task as the student's work froze it: a later edit of the task changes nothing.
        policy = file_policy_of(submissions.task_version(session, submission))
        return policy.within(policy.max_bytes, submissions.MAX_FILES)

    def open_for(self, session: Session, user_id: int, course_id: int, resource_link_id: int
                 ) -> int | None:
        link = session.get(ResourceLink, resource_link_id)
        if link is None or link.course_id != course_id or link.task_id is None:
            return None
        task = session.get(Task, link.task_id)
        if task is None:
            return None
        placed = submissions.PlacedTask(link.id, course_id, task)
        return submissions.open_submission(session, placed, user_id, utcnow()).id

    def files_held(self, session: Session, submission_id: int) -> int:
        number = session.scalar(select(Submission.current_number).where(
            Submission.id == submission_id)) or 1
        return session.scalar(select(func.count()).select_from(Artifact).where(
            Artifact.submission_id == submission_id, Artifact.kind == ArtifactKind.FILE.value,
            submissions.in_version(number))) or 0

    def attach(self, session: Session, submission_id: int, stored: StoredFile,
               now: dt.datetime) -> Refusal | None:
        submission = session.get(Submission, submission_id)
        if submission is None:
            return Refusal(WORK_REFUSED, submissions.SubmissionNotFound().template)
        try:
            submissions.add_file(session, submission, stored, now)
        except submissions.WorkRefused as refused:
            return Refusal(WORK_REFUSED, refused.template, refused.params)
        return None
