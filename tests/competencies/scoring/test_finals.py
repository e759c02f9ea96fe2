"""One final score per student and placed task: the teacher scores handed-in work with no
placement, and an employer's rating of the same work, before or after, never makes a second."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import Actor, course_events
from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.model import Placement
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.partners.vocabulary import PartnerKind
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import (
    Work,
    final_of_submission,
    placed_submissions,
    placements_of,
    scored_submissions,
)
from competencies.scoring.model import FinalScore, RubricRating
from competencies.scoring.ratings import Choice, ScoringError
from competencies.scoring.vocabulary import RaterKind
from competencies.work import entries
from competencies.work.model import Submission
from competencies.work.submissions import current_artifacts
from tests.competencies.scoring.test_ratings import ALL, EMPLOYER
from tests.competencies.work.factories import NOW, Classwork, classwork

TEACHER = Actor("teacher", "Lucia Rivera", address="198.51.100.7")


class Published:
    """A score publisher that remembers what it was told."""

    def __init__(self) -> None:
        self.told: list[str] = []

    def final(self, session: Session, work: Work, final: FinalScore) -> None:
        self.told.append(f"final {final.given:g}")

    def pending(self, session: Session, placement: Placement, rating: RubricRating) -> None:
        self.told.append("pending")


def _handed_in(db: Session, cw: Classwork, n: int = 0) -> Submission:
    submission = cw.open(db, n)
    entries.add_link(db, submission, "https://example.org/sketch", "Sketch", NOW)
    version = submission.versions[-1]
    version.submitted_at = NOW
    submission.state = "submitted"
    db.flush()
    return submission


def _registration(cw: Classwork) -> int:
    return cw.school.context.registration_id


def test_the_teacher_scores_handed_in_work_with_no_placement(db: Session) -> None:
    cw = classwork(db)
    submission = _handed_in(db, cw)
    chosen = {name: Choice("Advanced") for name in ALL}
    chosen["Communication"] = Choice("Proficient", "Say more about the safety steps.")
    final = moderation.score_submission(db, submission, _registration(cw), TEACHER, chosen)
    assert (final.submission_id, final.placement_id) == (submission.id, None)
    assert final.work_ref == f"submission:{submission.id}"
    assert (final.given, final.maximum) == (14.0, 15.0)
    by_name = {c.criterion: c for c in final.criteria}
    assert by_name["Communication"].comment == "Say more about the safety steps."
    assert {c.rater_kind for c in final.criteria} == {"teacher"}
    [link] = [a.id for a in current_artifacts(db, submission)]
    assert by_name["Communication"].artifact_ids == [str(link)]
    [event] = course_events(db, _registration(cw), submission.course_id)
    assert (event.action, event.placement_id, event.address) == (
        "rating.scored_by_teacher", None, "198.51.100.7")
    assert (event.detail["submission_id"], event.detail["student_id"]) == (
        submission.id, submission.student_id)


def test_work_not_handed_in_cannot_be_scored_and_nothing_is_stored(db: Session) -> None:
    cw = classwork(db)
    submission = cw.open(db)
    with pytest.raises(ScoringError, match="Only work that was handed in can be scored"):
        moderation.score_submission(db, submission, _registration(cw), TEACHER,
                                    {name: Choice("Advanced") for name in ALL})
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 0


def test_scoring_a_placed_students_work_replaces_the_pending_employer_rating(
        db: Session) -> None:
    cw = classwork(db)
    placement = cw.school.place(db)
    submission = _handed_in(db, cw)
    rating = _employer_rates(db, placement, Published())
    assert rating.status == "pending"
    final = moderation.score_submission(db, submission, _registration(cw), TEACHER,
                                        {name: Choice("Proficient") for name in ALL})
    assert rating.status == "superseded"
    # The placement's page and the submission's find the one final score.
    assert final.placement_id == placement.id and final.submission_id is None
    assert moderation.final_score(db, placement) is final
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 1


def test_an_employer_rating_arriving_later_waits_for_the_teacher_and_replaces_nothing(
        db: Session) -> None:
    cw = classwork(db)
    submission = _handed_in(db, cw)
    published = Published()
    final = moderation.score_submission(db, submission, _registration(cw), TEACHER,
                                        {name: Choice("Proficient") for name in ALL},
                                        publisher=published)
    # Then the student is placed, and the task takes employer ratings as they come.
    placement = cw.school.place(db)
    ratings.set_policy(db, cw.school.context, placement.task_id, accept_employer_ratings=True,
                       comment_required_for_lowest=False)
    rating = _employer_rates(db, placement, published)
    assert rating.status == "pending"  # not accepted as it came: the teacher decided already
    assert (final.given, final.decided_by) == (10.0, "Lucia Rivera")
    assert published.told == ["final 10"]  # no "waiting" grade over the final one
    assert moderation.final_score(db, placement) is final
    assert moderation.pending(db, placement.course_id) == [rating]

    _, rubric = ratings.rubric_of_rating(db, rating)
    accepted = moderation.accept(db, rating, rubric, TEACHER, publisher=published)
    assert accepted.id == final.id and accepted.submission_id == submission.id
    assert accepted.given == 15.0 and published.told == ["final 10", "final 15"]
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 1
    actions = [e.action for e in course_events(db, _registration(cw), submission.course_id)]
    assert actions[:2] == ["rating.accepted", "score.replaced"]


def _employer_rates(db: Session, placement: Placement, published: Published, *,
                    submit: bool = True) -> RubricRating:
    """The placement's supervisor rates every criterion Advanced, and submits unless told not
    to (the rating then stays their draft)."""
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name=placement.supervisor.name,
                                 supervisor_id=placement.supervisor_id)
    ratings.save(db, rating, rubric, {name: Choice("Advanced") for name in ALL}, EMPLOYER)
    if submit:
        ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id),
                       placement.supervisor.name, EMPLOYER, publisher=published)
    return rating


def _placed_again(db: Session, cw: Classwork, n: int = 0) -> Placement:
    """The student placed a second time for the task, at a bakery with its own supervisor."""
    bakery = directory.create_partner(db, cw.school.context, PartnerDraft(
        name="Sunrise Bakery", kind=PartnerKind.EMPLOYER, sector="Food"))
    rosa = directory.add_supervisor(db, cw.school.context, bakery.id, SupervisorDraft(
        name="Rosa Martínez", email="rosa@bakery.example.org"))
    return create_placement(db, cw.school.context, cw.school.roster, PlacementDraft(
        student_id=cw.student(n), partner_id=bakery.id, supervisor_id=rosa.id,
        task_id=cw.school.task_id, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 12, 1)))


def test_a_second_placements_score_is_the_works_one_final_score(db: Session) -> None:
    """Placed at the clinic when the work began, then moved to the bakery, whose supervisor
    rates: the submission finds that score, and scoring from it replaces it, making no second."""
    cw = classwork(db)
    cw.school.place(db)
    submission = _handed_in(db, cw)
    second = _placed_again(db, cw)
    rating = _employer_rates(db, second, Published())
    _, rubric = ratings.rubric_of_rating(db, rating)
    accepted = moderation.accept(db, rating, rubric, TEACHER)
    assert accepted.placement_id == second.id and submission.placement_id != second.id

    assert final_of_submission(db, submission) is accepted
    assert scored_submissions(db, [submission.id]) == {submission.id}
    rescored = moderation.score_submission(db, submission, _registration(cw), TEACHER,
                                           {name: Choice("Proficient") for name in ALL})
    assert rescored.id == accepted.id and rescored.given == 10.0
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 1


def test_which_submissions_are_scored_is_read_for_a_class_at_once(db: Session) -> None:
    """Scored through the submission, through a placement made after the work began, and not
    scored: as each submission's own final score says."""
    cw = classwork(db)
    by_teacher, placed_later, waiting = (_handed_in(db, cw, n) for n in range(3))
    moderation.score_submission(db, by_teacher, _registration(cw), TEACHER,
                                {name: Choice("Advanced") for name in ALL})
    later = cw.school.place(db, 1)
    assert placed_later.placement_id is None
    _, rubric = ratings.rubric_for(db, later)
    moderation.accept(db, _employer_rates(db, later, Published()), rubric, TEACHER)
    everyone = [by_teacher, placed_later, waiting]
    assert scored_submissions(db, [s.id for s in everyone]) == {
        s.id for s in everyone if final_of_submission(db, s) is not None} == {
        by_teacher.id, placed_later.id}


def test_the_works_placements_are_the_one_it_started_with_and_any_made_later(
        db: Session) -> None:
    """Which placements' ratings belong to a submission: read for one work, or for a class at
    once, by the rule its final score is found by."""
    cw = classwork(db)
    clinic = cw.school.place(db)
    started_placed, placed_later, never_placed = (_handed_in(db, cw, n) for n in range(3))
    bakery = _placed_again(db, cw)
    later = cw.school.place(db, 1)
    assert placed_later.placement_id is None

    def placements(submission: Submission) -> list[int]:
        work = Work.of_submission(db, submission, _registration(cw))
        return [p.id for p in placements_of(db, work)]

    assert placements(started_placed) == [clinic.id, bakery.id]
    assert placements(placed_later) == [later.id]
    assert placements(never_placed) == []
    assert [p.id for p in placements_of(db, Work.of_placement(db, bakery))] == [
        clinic.id, bakery.id]
    everyone = [started_placed, placed_later, never_placed]
    assert placed_submissions(db, [s.id for s in everyone]) == {
        started_placed.id, placed_later.id}


def test_scoring_the_work_supersedes_every_employer_rating_still_open_on_any_placement(
        db: Session) -> None:
    """Placed at the clinic, then at the bakery: both supervisors' ratings wait for the teacher,
    and a third (a second student's) is another work. Scoring the submission supersedes the
    two, and each placement's own history says so."""
    cw = classwork(db)
    clinic = cw.school.place(db)
    submission = _handed_in(db, cw)
    bakery = _placed_again(db, cw)
    from_clinic, from_bakery = (_employer_rates(db, p, Published()) for p in (clinic, bakery))
    other_work = _employer_rates(db, cw.school.place(db, 1), Published())
    work = Work.of_submission(db, submission, _registration(cw))
    assert moderation.waiting(db, work) == [from_clinic, from_bakery]

    moderation.score_submission(db, submission, _registration(cw), TEACHER,
                                {name: Choice("Proficient") for name in ALL})
    assert (from_clinic.status, from_bakery.status, other_work.status) == (
        "superseded", "superseded", "pending")
    assert moderation.waiting(db, work) == []
    for placement, rating in ((clinic, from_clinic), (bakery, from_bakery)):
        [event] = [e for e in course_events(db, _registration(cw), submission.course_id,
                                            placement_id=placement.id)
                   if e.action == "rating.superseded"]
        assert (event.detail["rating_id"], event.detail["was"]) == (rating.id, "pending")
        assert event.detail["supervisor"] == placement.supervisor.name


def test_the_teachers_score_supersedes_an_employers_draft_and_keeps_it(db: Session) -> None:
    """The supervisor saved a draft and never submitted it: it is set aside, not deleted, with
    its levels, and the placement's history says so."""
    cw = classwork(db)
    placement = cw.school.place(db)
    submission = _handed_in(db, cw)
    draft = _employer_rates(db, placement, Published(), submit=False)
    moderation.score_submission(db, submission, _registration(cw), TEACHER,
                                {name: Choice("Proficient") for name in ALL})
    db.expire_all()
    kept = db.get(RubricRating, draft.id)
    assert kept is not None and kept.status == "superseded" and kept.submitted_at is None
    assert {c.level for c in kept.criteria} == {"Advanced"}
    events = course_events(db, _registration(cw), submission.course_id,
                           placement_id=placement.id)
    assert [(e.action, e.detail.get("was")) for e in events][:2] == [
        ("rating.scored_by_teacher", None), ("rating.superseded", "draft")]
