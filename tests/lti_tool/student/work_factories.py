"""A course with a task placed in it, and students who open it and work on it through the pages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.model import Artifact, ExperienceSurvey, Submission, SubmissionVersion
from lti_tool.lti.custom_params import sign_task_reference
from lti_tool.models import ResourceLink
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.task_launch_factories import aligned_task, course_context

LINK = "assignment-17"
ALL_KINDS = (AskedArtifact.FILES, AskedArtifact.LINKS, AskedArtifact.REFLECTION,
             AskedArtifact.HOURS_LOG, AskedArtifact.SUPERVISOR_SIGN_OFF)
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class PlacedClass:
    """One teacher, a task placed as one LMS link, students who launch it by their ``sub``."""

    def __init__(self, app: Flask, flow: Flow, db: Session, *,
                 asked: tuple[AskedArtifact, ...] = (AskedArtifact.LINKS, AskedArtifact.REFLECTION,
                                                     AskedArtifact.HOURS_LOG),
                 due_at: dt.datetime | None = None) -> None:
        self.app, self.flow, self.db = app, flow, db
        flow.launch(role="Instructor", sub="teacher-1")
        context = course_context(db)
        self.course_id = context.course_id
        self.task_id = aligned_task(db, context, "Clinic internship")
        task = db.get(Task, self.task_id)
        assert task is not None
        task.asked_artifacts = [kind.value for kind in asked]
        task.due_at = due_at
        db.commit()
        self.launch("Instructor", "teacher-1")
        link = db.scalar(select(ResourceLink).where(ResourceLink.resource_link_id == LINK))
        assert link is not None
        self.link_id = link.id
        self.page = ""

    def launch(self, role: str, sub: str, **claims: Any) -> TestResponse:
        custom = sign_task_reference(self.task_id, "course-7", secret=self.app.config["SECRET_KEY"])
        response = self.flow.launch(role=role, sub=sub, name=f"Person {sub}", lti_custom=custom,
                                    lti_resource_link={"id": LINK, "title": "Clinic internship"},
                                    **claims)
        self.page = response.get_data(as_text=True)
        return response

    def student(self, sub: str = "student-1", **claims: Any) -> str:
        """The student opens the placed task from the LMS (``locale="es"``: in Spanish); their
        task page."""
        response = self.launch("Learner", sub, **claims)
        assert response.status_code == 200, self.page
        return self.page

    @property
    def task_url(self) -> str:
        return f"/student/course/{self.course_id}/task/{self.link_id}"

    def view(self, url: str | None = None) -> TestResponse:
        response = self.flow.client.get(url or self.task_url)
        self.page = response.get_data(as_text=True)
        return response

    def post(self, path: str, data: dict[str, Any]) -> TestResponse:
        """Post a form of the page last seen (a fresh form token each time, as a browser has)."""
        if not _TOKEN.search(self.page):
            self.view()
        token = _TOKEN.search(self.page)
        assert token is not None, self.page[:500]
        response = self.flow.client.post(path, data={"csrf_token": token.group(1), **data})
        if response.status_code == 303:
            self.view(response.headers["Location"])
        else:
            self.page = response.get_data(as_text=True)
        return response

    def work(self, form: str, data: dict[str, Any]) -> TestResponse:
        """Post one of the task page's forms (``links``, ``hours``, ``reflection``, ``submit``)."""
        self.view()
        return self.post(f"{self.task_url}/{form}", data)

    def submission(self, student_sub: str = "student-1") -> Submission:
        from lti_tool.models import User

        user = self.db.scalar(select(User).where(User.sub == student_sub))
        assert user is not None
        found = self.db.scalar(select(Submission).where(Submission.student_id == user.id))
        assert found is not None
        return found


def stored(db: Session) -> tuple[int | None, ...]:
    """How many rows the work tables hold, to prove a refused form stored nothing."""
    db.expire_all()
    return tuple(db.scalar(select(func.count()).select_from(model))
                 for model in (Submission, SubmissionVersion, Artifact, ExperienceSurvey))


def text(page: str) -> str:
    """The page's words, tags removed and spaces collapsed (none before punctuation)."""
    return re.sub(r" ([:.,;)])", r"\1", " ".join(re.sub(r"<[^>]+>", " ", page).split()))
