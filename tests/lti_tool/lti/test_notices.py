"""Platform notices: a signed LtiContextCopyNotice gives the new course its tasks, not its grades;
a forged or unknown notice changes nothing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.scoring import ratings
from competencies.scoring.model import ScoringPolicy
from competencies.tasks.model import Task, TaskAlignment
from lti_tool.models import Course, Registration
from tests.lti_tool.lti.conftest import CLIENT_ID, DEPLOYMENT_ID, ISSUER, LTI, Platform

COPY = "LtiContextCopyNotice"


def notice(kind: str = COPY, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": ISSUER, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "jti": "n-1",
        LTI + "version": "1.3.0", LTI + "deployment_id": DEPLOYMENT_ID,
        LTI + "notice": {"id": "notice-1", "timestamp": "2026-12-01T10:00:00Z", "type": kind},
        LTI + "context": {"id": "course-2027", "title": "Health Science 2027"},
        LTI + "origin_contexts": ["course-2026"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def old_course(db: Session, registration: Registration) -> Course:
    course = Course(deployment_id=registration.deployments[0].id, context_id="course-2026",
                    title="Health Science 2026")
    db.add(course)
    db.flush()
    from competencies.models import Framework, Item
    framework = Framework(identifier="fw-notice", title="ESF")
    db.add(framework)
    db.flush()
    item = Item(framework_id=framework.id, identifier="it-notice", full_statement="Works safely")
    db.add(item)
    db.flush()
    task = Task(title="Clinic shadow", stage="exploration", experience_type="job_shadow",
                course_id=course.id, deployment_id=course.deployment_id,
                registration_id=registration.id)
    task.alignments = [TaskAlignment(item_id=item.id, alignment_type="builds", weight=2.0)]
    db.add(task)
    db.flush()
    db.add(ScoringPolicy(task_id=task.id, accept_employer_ratings=True,
                         comment_required_for_lowest=True))
    db.commit()
    return course


def post(client: FlaskClient, platform: Platform, body: dict[str, Any], **sign: Any) -> Any:
    return client.post("/lti/notices", json={"notices": [{"jwt": platform.sign(body, **sign)}]})


def copies(db: Session) -> list[Task]:
    return list(db.scalars(select(Task).join(Course, Course.id == Task.course_id)
                           .where(Course.context_id == "course-2027")))


def test_a_context_copy_notice_copies_tasks_and_alignments_once(
        client: FlaskClient, db: Session, platform: Platform, old_course: Course) -> None:
    response = post(client, platform, notice())
    assert response.status_code == 200
    assert response.get_json()["results"] == [{"notice": "notice-1", "type": COPY, "tasks_copied": 1}]
    [copy] = copies(db)
    assert copy.title == "Clinic shadow" and copy.copied_from_id is not None
    assert [(a.alignment_type, a.weight) for a in copy.alignments] == [("builds", 2.0)]
    policy = ratings.policy_for(db, copy.id)
    assert policy.accept_employer_ratings and policy.comment_required_for_lowest
    # Sent twice (or after a launch made the copy): nothing more is made.
    assert post(client, platform, notice()).get_json()["results"][0]["tasks_copied"] == 0
    assert len(copies(db)) == 1


def test_a_notice_signed_by_another_key_is_refused_and_changes_nothing(
        client: FlaskClient, db: Session, platform: Platform, old_course: Course) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa
    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = post(client, platform, notice(), key=forged)
    assert response.status_code == 400
    assert response.get_json()["results"][0]["error"] == "bad_signature"
    assert db.scalar(select(func.count()).select_from(Course).where(
        Course.context_id == "course-2027")) == 0


# Each body is built when its test runs (not when the module is collected): a notice lives
# 300 s, and a suite slower than that found every one expired.
@pytest.mark.parametrize(("overrides", "code"), [
    (lambda now: {"exp": now - 3600, "iat": now - 4000}, "bad_exp"),
    (lambda now: {LTI + "deployment_id": "someone-else"}, "unknown_deployment"),
    (lambda now: {"aud": "other-client"}, "unknown_registration"),
    (lambda now: {"kind": "LtiSomethingElseNotice"}, "unknown_notice"),
    (lambda now: {LTI + "origin_contexts": "course-2026"}, "bad_notice"),
])
def test_bad_notices_are_refused_with_their_reason(
        client: FlaskClient, db: Session, platform: Platform, old_course: Course,
        overrides: Callable[[int], dict[str, Any]], code: str) -> None:
    response = post(client, platform, notice(**overrides(int(time.time()))))
    assert response.status_code == 400 and response.get_json()["results"][0]["error"] == code
    assert copies(db) == []


def test_a_body_without_notices_is_a_precise_400(client: FlaskClient, registration: Registration) -> None:
    response = client.post("/lti/notices", json={"hello": 1})
    assert response.status_code == 400 and "notices" in response.get_json()["error"]
