"""Publishing a final decision stores the grade to send and the evidence together, or neither."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.mastery.recording import RatedCriterion, UnknownCriterion
from competencies.models import Evidence, Framework, Item, MasteryStanding, RaterType
from lti_tool.grades.final import FinalDecision, publish
from lti_tool.grades.payload import GradebookScore, Grading
from lti_tool.lti.registrations import add_registration
from lti_tool.models import Course, GradeOutbox, ResourceLink, User

T0 = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def placed(db: Session) -> tuple[ResourceLink, User]:
    registration = add_registration(
        db, name="LMS", issuer="https://publish.test", client_id="p", key_set={"keys": []},
        auth_login_url="https://publish.test/a", auth_token_url="https://publish.test/t",
        deployment_ids=["d"])
    db.flush()
    course = Course(deployment_id=registration.deployments[0].id, context_id="c")
    db.add(course)
    db.flush()
    framework = Framework(identifier="fw-pub", title="ESF")
    db.add(framework)
    db.flush()
    db.add(Item(framework_id=framework.id, identifier="esf-pub", full_statement="Safety"))
    link = ResourceLink(course_id=course.id, resource_link_id="rl", title="Shadow")
    student = User(registration_id=registration.id, sub="s")
    db.add_all([link, student])
    db.commit()
    return link, student


def decision(link: ResourceLink, student: User, criterion: str = "Safety",
             grading: Grading = Grading.FINAL) -> FinalDecision:
    return FinalDecision(
        GradebookScore(resource_link_id=link.id, user_id=student.id, source="submission:9/v1",
                       points=3, maximum=4, grading=grading, rated_at=T0),
        [RatedCriterion(criterion, 3, 4, RaterType.EMPLOYER, "Dana", T0)],
        {"rubric": {"title": "R", "criteria": [{"name": "Safety", "items": ["esf-pub"],
                                                "levels": []}]}, "alignments": []})


def count(db: Session, table: type) -> int:
    return int(db.scalar(select(func.count()).select_from(table)) or 0)


def test_a_final_decision_queues_the_grade_and_records_the_evidence(
        db: Session, placed: tuple[ResourceLink, User]) -> None:
    publish(db, decision(*placed))
    db.commit()
    assert (count(db, GradeOutbox), count(db, Evidence), count(db, MasteryStanding)) == (1, 1, 1)


def test_a_rating_awaiting_moderation_goes_to_the_lms_as_pending_but_is_not_evidence(
        db: Session, placed: tuple[ResourceLink, User]) -> None:
    publish(db, decision(*placed, grading=Grading.AWAITING_MODERATION))
    db.commit()
    assert (count(db, GradeOutbox), count(db, Evidence)) == (1, 0)


def test_a_refused_decision_leaves_neither_grade_nor_evidence(
        db: Session, placed: tuple[ResourceLink, User]) -> None:
    with pytest.raises(UnknownCriterion):
        publish(db, decision(*placed, criterion="Punctuality"))
    db.rollback()
    assert (count(db, GradeOutbox), count(db, Evidence)) == (0, 0)
