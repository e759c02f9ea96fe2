"""Courses in tenants, and tasks in them, for the library tests."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from competencies.tasks.draft import TaskDraft
from competencies.tasks.library import CourseContext
from competencies.tasks.vocabulary import AskedArtifact, ContinuumStage, ExperienceType
from lti_tool.models import Course, Deployment, Registration

_serial = itertools.count(1)


def tenant(db: Session) -> Registration:
    n = next(_serial)
    registration = Registration(name=f"Platform {n}", issuer=f"https://lms{n}.test",
                                client_id=f"client-{n}", auth_login_url="https://lms.test/auth",
                                auth_token_url="https://lms.test/token")
    db.add(registration)
    db.flush()
    return registration


def deployment(db: Session, registration: Registration) -> Deployment:
    row = Deployment(registration_id=registration.id, deployment_id=f"dep-{next(_serial)}")
    db.add(row)
    db.flush()
    return row


def course(db: Session, where: Deployment) -> CourseContext:
    row = Course(deployment_id=where.id, context_id=f"ctx-{next(_serial)}", title="A course")
    db.add(row)
    db.flush()
    return CourseContext(course_id=row.id, deployment_id=where.id,
                         registration_id=where.registration_id)


def draft(**fields: Any) -> TaskDraft:
    values: dict[str, Any] = {
        "title": "Job shadow at a clinic", "stage": ContinuumStage.EXPLORATION,
        "experience_type": ExperienceType.JOB_SHADOW,
        "description": "<p>Spend a morning with a <strong>nurse</strong>.</p>",
        "career_cluster": "Healthcare & Human Services", "pathway": "Patient Care",
        "expected_hours": 4.0,
        "asked_artifacts": (AskedArtifact.REFLECTION, AskedArtifact.HOURS_LOG),
    }
    values.update(fields)
    return TaskDraft(**values)
