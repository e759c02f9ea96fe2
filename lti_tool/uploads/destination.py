"""Where a completed upload goes: the student's submission, through the work domain's services.

The tus server (:mod:`lti_tool.uploads.tus`) speaks the protocol and keeps the bytes; whose work
a file may join, what that work accepts and how a kept file is recorded belong to the work
domain. This seam is what the server asks.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy.orm import Session

from competencies.work.file_policy import FilePolicy, Refusal
from competencies.work.stored_file import StoredFile


class Destination(Protocol):
    def policy(self, session: Session, user_id: int, course_id: int, submission_id: int
               ) -> FilePolicy | Refusal | None:
        """What the submission accepts, if this student may add a file to it now; a refusal
        (a closed task, work handed in) with its reason; ``None`` when it is not theirs."""
        ...

    def open_for(self, session: Session, user_id: int, course_id: int, resource_link_id: int
                 ) -> int | None:
        """The student's submission for a placed task of their course, started if need be (in
        the caller's transaction: a refused upload commits nothing); ``None`` if no such task."""
        ...

    def files_held(self, session: Session, submission_id: int) -> int:
        """Files the submission's current version holds."""
        ...

    def attach(self, session: Session, submission_id: int, stored: StoredFile,
               now: dt.datetime) -> Refusal | None:
        """Record the kept file on the submission (the caller commits)."""
        ...


def destination(app: Flask | None = None) -> Destination:
    """The submission's services (a test may set another with :func:`set_destination`)."""
    found: Destination | None = (app or current_app).extensions.get("worklink.upload_destination")
    if found is None:
        from lti_tool.uploads.work_destination import SubmissionDestination

        found = (app or current_app).extensions["worklink.upload_destination"] = \
            SubmissionDestination()
    return found


def set_destination(app: Flask, target: Destination) -> None:
    app.extensions["worklink.upload_destination"] = target
