"""The teacher scores the rubric from a handed-in submission, with no placement: the score goes
to the gradebook outbox and becomes evidence, as a moderated rating does, and only the course's
teachers can do it."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import AuditEvent
from competencies.models import Evidence
from competencies.orm import utcnow
from competencies.scoring.model import FinalScore
from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.models import GradeOutbox
from tests.lti_tool.lti.conftest import Flow
from tests.lti_tool.student.work_factories import PlacedClass, text
from tests.lti_tool.teacher.test_submissions_view import hand_in

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")


@pytest.fixture
def placed(app: Flask, flow: Flow, db: Session) -> PlacedClass:
    return PlacedClass(app, flow, db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION),
                       due_at=utcnow() + dt.timedelta(days=7))


def _levels(level: str = "Advanced", **changed: str) -> dict[str, str]:
    form = {f"level:{name}": level for name in CRITERIA}
    form.update({f"level:{name}": value for name, value in changed.items()})
    return form


def test_the_teacher_scores_a_submission_and_it_flows_like_a_final_rating(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    submission = placed.submission("student-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{submission.id}"
    page = text(placed.view(url).get_data(as_text=True))
    assert "Score the rubric" in page and "Return for revision" in page
    response = placed.post(url + "/score", {
        **_levels(Communication="Proficient"),
        "comment:Communication": "Name the patients' needs, not only the tasks."})
    assert response.status_code == 303
    page = text(placed.page)
    assert "Scored. The score goes to the gradebook" in page
    assert "Final score: 14 / 15" in page and "Status Scored" in page

    db = placed.db
    db.expire_all()
    [final] = db.scalars(select(FinalScore))
    assert (final.submission_id, final.placement_id) == (submission.id, None)
    [grade] = db.scalars(select(GradeOutbox))
    assert (grade.resource_link_id, grade.user_id, grade.source) == (
        placed.link_id, submission.student_id, f"submission:{submission.id}")
    assert (grade.score["scoreGiven"], grade.score["gradingProgress"]) == (14.0, "FullyGraded")
    evidence = list(db.scalars(select(Evidence).where(Evidence.superseded_at.is_(None))))
    assert evidence and {e.submission_ref for e in evidence} == {f"submission:{submission.id}"}
    assert {(e.rater_type.value, e.rater_name) for e in evidence} == {("teacher", "Person teacher-1")}
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.action == "rating.scored_by_teacher"))
    assert event.detail["submission_id"] == submission.id and event.actor_name == "Person teacher-1"

    listing = text(placed.view(f"/teacher/course/{placed.course_id}/placed/{placed.link_id}"
                               "/submissions").get_data(as_text=True))
    assert "Person student-1 Scored" in listing

    # Scoring again replaces the one final score; the earlier evidence stops counting.
    placed.view(url)
    assert placed.post(url + "/score", _levels("Proficient")).status_code == 303
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 1
    assert "Final score: 10 / 15" in text(placed.page)
    assert {e.score for e in db.scalars(select(Evidence).where(
        Evidence.superseded_at.is_(None)))} == {2.0}


def test_a_score_missing_a_criterion_is_refused_and_nothing_is_stored(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{placed.submission('student-1').id}"
    placed.view(url)
    form = _levels()
    del form["level:Professionalism"]
    response = placed.post(url + "/score", form)
    assert response.status_code == 422
    page = text(placed.page)
    assert "Rate every criterion first; not yet rated: “Professionalism”" in page
    assert '<a href="#score-heading">' in placed.page
    assert 'value="Advanced" selected' in placed.page  # what the teacher chose is kept
    assert placed.db.scalar(select(func.count()).select_from(FinalScore)) == 0
    assert placed.db.scalar(select(func.count()).select_from(GradeOutbox)) == 0


def test_work_returned_for_revision_offers_no_score_and_a_post_is_refused(
        placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    placed.launch("Instructor", "teacher-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{placed.submission('student-1').id}"
    placed.view(url)
    placed.post(url + "/return", {"comment": "Add the sketch."})
    assert "Score the rubric" not in text(placed.page)
    response = placed.post(url + "/score", _levels())
    assert response.status_code == 422 and "Only work that was handed in" in text(placed.page)
    assert placed.db.scalar(select(func.count()).select_from(FinalScore)) == 0


def test_only_the_courses_teachers_can_score(placed: PlacedClass) -> None:
    hand_in(placed, "student-1")
    submission = placed.submission("student-1")
    url = f"/teacher/course/{placed.course_id}/submissions/{submission.id}/score"
    placed.view()  # the student's own page: a form token of theirs
    assert placed.post(url, _levels()).status_code == 403
    placed.flow.launch(role="Instructor", sub="teacher-9",
                       lti_context={"id": "course-8", "title": "Another course"})
    assert placed.post(url, _levels()).status_code == 403
    assert placed.db.scalar(select(func.count()).select_from(FinalScore)) == 0
