"""A placement's employer rating and its moderation reach the gradebook outbox and mastery."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.models import Evidence, Framework, Item, RaterType
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.moderation import Adjustment
from competencies.scoring.ratings import Choice
from competencies.scoring.vocabulary import RaterKind
from competencies.tasks import library
from competencies.tasks.vocabulary import AlignmentType
from lti_tool.grades.from_scoring import GradebookPublisher
from lti_tool.models import GradeOutbox, ResourceLink
from tests.competencies.partners.factories import school

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")
EMPLOYER = Actor("employer", "Ana Reyes")
TEACHER = Actor("teacher", "Lucia Rivera")


def _placed(db: Session) -> Placement:
    """A placed task whose rubric counts, criterion by criterion, for one aligned competency."""
    s = school(db)
    framework = Framework(identifier="esf-scoring", title="Employability Skills")
    db.add(framework)
    db.flush()
    item = Item(framework_id=framework.id, identifier="esf-scoring-1",
                human_coding_scheme="ESF.1", full_statement="Communicates at work")
    db.add(item)
    db.flush()
    library.align(db, s.context, s.task_id, item.id, AlignmentType.ASSESSES, weight=2.0)
    placement = s.place(db)
    db.add(ResourceLink(course_id=placement.course_id, resource_link_id="rl-1",
                        title="Clinic internship", task_id=placement.task_id))
    db.flush()
    return placement


def _submitted(db: Session, placement: Placement) -> ratings.RubricRating:
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=placement.supervisor_id)
    ratings.save(db, rating, rubric, {c: Choice("Proficient") for c in CRITERIA}, EMPLOYER)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   EMPLOYER, publisher=GradebookPublisher())
    return rating


def test_a_pending_rating_goes_to_the_gradebook_without_points(db: Session) -> None:
    placement = _placed(db)
    _submitted(db, placement)
    [row] = db.scalars(select(GradeOutbox))
    assert row.source == f"placement:{placement.id}" and row.user_id == placement.student_id
    assert row.score["gradingProgress"] == "PendingManual" and "scoreGiven" not in row.score
    assert db.scalar(select(func.count()).select_from(Evidence)) == 0  # aligned, yet not final


def test_the_moderated_score_supersedes_it_with_points_and_the_criterion_lines(
        db: Session) -> None:
    placement = _placed(db)
    rating = _submitted(db, placement)
    _, rubric = ratings.rubric_of_rating(db, rating)
    moderation.accept(db, rating, rubric, TEACHER,
                      {"Communication": Adjustment("Advanced", "Led the huddle")},
                      publisher=GradebookPublisher())
    rows = list(db.scalars(select(GradeOutbox).order_by(GradeOutbox.sequence)))
    assert [r.state.value for r in rows] == ["superseded", "pending"]
    final = rows[-1].score
    assert (final["scoreGiven"], final["scoreMaximum"], final["gradingProgress"]) == (
        11.0, 15.0, "FullyGraded")
    assert "Communication: Advanced" in final["comment"]
    rating_time = rating.submitted_at
    assert final["https://canvas.instructure.com/lti/submission"]["submitted_at"] == \
        rating_time.replace(microsecond=0).isoformat()

    evidence = {e.source: e for e in db.scalars(select(Evidence))}
    assert set(evidence) == {f"rubric-criterion:{c}" for c in CRITERIA}
    assert {(db.get(Item, e.item_id).identifier, e.learner_ref, e.submission_ref, e.weight,
             e.course_id, e.superseded_at) for e in evidence.values()} == {
        ("esf-scoring-1", str(placement.student_id), f"placement:{placement.id}", 2.0,
         placement.course_id, None)}
    adjusted = evidence["rubric-criterion:Communication"]
    assert (adjusted.rater_type, adjusted.rater_name, adjusted.score) == (
        RaterType.TEACHER, "Lucia Rivera", 3.0)
    assert adjusted.moderation is not None
    assert {k: adjusted.moderation[k] for k in ("by", "employer", "employer_level", "reason")} == {
        "by": "Lucia Rivera", "employer": "Ana Reyes", "employer_level": "Proficient",
        "reason": "Led the huddle"}
    kept = evidence["rubric-criterion:Professionalism"]
    assert (kept.rater_type, kept.rater_name, kept.score) == (RaterType.EMPLOYER, "Ana Reyes", 2.0)
    assert kept.moderation is not None and kept.moderation["by"] == "Lucia Rivera"
    assert kept.moderation["employer_level"] is None


def test_a_task_never_placed_in_the_lms_sends_nothing(db: Session) -> None:
    s = school(db)
    placement = s.place(db)
    _submitted(db, placement)
    assert db.scalar(select(func.count()).select_from(GradeOutbox)) == 0
