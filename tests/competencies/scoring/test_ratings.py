"""An employer's rating: saved as they go, checked against the frozen rubric, then signed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from competencies.audit import Actor, AuditEvent
from competencies.orm import utcnow
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.model import CriterionRating, FinalScore, RubricRating, ScoringPolicy
from competencies.scoring.ratings import Choice, ScoringError
from competencies.scoring.vocabulary import RaterKind, RatingStatus
from competencies.tasks import library
from competencies.tasks.rubric import Criterion, Level, Rubric
from tests.competencies.partners.factories import School, school
from tests.competencies.tasks.task_factories import draft

EMPLOYER = Actor("employer", "Ana Reyes", address="203.0.113.9")
ALL = ("Communication", "Working with others", "Professionalism", "Problem solving",
       "Using tools and technology")


def _opened(db: Session) -> tuple[School, Placement, RubricRating, Rubric]:
    s = school(db)
    placement = s.place(db)
    version, rubric = ratings.rubric_for(db, placement)
    rating = ratings.open_rating(db, placement, version, kind=RaterKind.EMPLOYER,
                                 name="Ana Reyes", supervisor_id=s.supervisor.id)
    return s, placement, rating, rubric


def _open(db: Session) -> tuple[Placement, RubricRating, Rubric]:
    return _opened(db)[1:]


def _rows(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(CriterionRating)) or 0


def test_opening_a_rating_stores_nothing(db: Session) -> None:
    _open(db)
    assert db.scalar(select(func.count()).select_from(RubricRating)) == 0


def test_a_new_rating_holds_no_comment_and_no_signature(db: Session) -> None:
    """Before anything is saved, its text reads as the database would store it: empty."""
    _, rating, _ = _open(db)
    assert (rating.overall_comment, rating.signature, rating.return_note) == ("", "", "")


def test_a_draft_is_saved_as_the_employer_goes_and_audited(db: Session) -> None:
    placement, rating, rubric = _open(db)
    ratings.save(db, rating, rubric, {"Communication": Choice("Proficient", "Clear with patients")},
                 EMPLOYER)
    ratings.save(db, rating, rubric, {"Professionalism": Choice(None)}, EMPLOYER)
    assert {c.criterion: c.level for c in rating.criteria} == {
        "Communication": "Proficient", "Professionalism": None}
    events = db.scalars(select(AuditEvent).where(AuditEvent.placement_id == placement.id,
                                                 AuditEvent.action == "rating.saved")).all()
    assert [e.detail["levels"] for e in events] == [
        {"Communication": "Proficient"}, {"Professionalism": "not observed"}]
    assert events[0].address == "203.0.113.9"


@pytest.mark.parametrize(("choices", "message"), [
    ({"Punctuality": Choice("Proficient")}, "no criterion “Punctuality”"),
    ({"Communication": Choice("Superb")}, "“Communication” has no level “Superb”"),
    ({"Communication": Choice("Proficient", "<script>alert(1)</script>")}, "must be plain text"),
])
def test_bad_choices_are_refused_and_nothing_saved(db: Session, choices: dict[str, Choice],
                                                   message: str) -> None:
    _, rating, rubric = _open(db)
    with pytest.raises(ScoringError, match=message):
        ratings.save(db, rating, rubric, choices, EMPLOYER)
    assert _rows(db) == 0


def test_submit_needs_every_criterion_and_a_signature(db: Session) -> None:
    placement, rating, rubric = _open(db)
    ratings.save(db, rating, rubric, {"Communication": Choice("Advanced")}, EMPLOYER)
    policy = ratings.policy_for(db, placement.task_id)
    with pytest.raises(ScoringError, match="Type your name"):
        ratings.submit(db, rating, rubric, policy, "  ", EMPLOYER)
    with pytest.raises(ScoringError, match="Choose a level for “Working with others”"):
        ratings.submit(db, rating, rubric, policy, "Ana Reyes", EMPLOYER)
    assert rating.status == RatingStatus.DRAFT.value


def test_a_submitted_rating_is_pending_and_read_only(db: Session) -> None:
    placement, rating, rubric = _open(db)
    ratings.save(db, rating, rubric, {name: Choice("Proficient") for name in ALL}, EMPLOYER)
    ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana Reyes",
                   EMPLOYER)
    assert rating.status == "pending" and rating.signature == "Ana Reyes"
    with pytest.raises(ScoringError, match="can no longer be changed"):
        ratings.save(db, rating, rubric, {"Communication": Choice("Advanced")}, EMPLOYER)
    assert db.scalar(select(func.count()).select_from(FinalScore)) == 0


def test_the_lowest_level_needs_a_comment_when_the_task_says_so(db: Session) -> None:
    s, placement, rating, rubric = _opened(db)
    policy = ratings.set_policy(db, s.context, placement.task_id, accept_employer_ratings=False,
                                comment_required_for_lowest=True)
    chosen = {name: Choice("Proficient") for name in ALL}
    chosen["Communication"] = Choice("Beginning")
    ratings.save(db, rating, rubric, chosen, EMPLOYER)
    with pytest.raises(ScoringError, match="“Communication”: say why"):
        ratings.submit(db, rating, rubric, policy, "Ana", EMPLOYER)
    ratings.save(db, rating, rubric, {"Communication": Choice("Beginning", "Rarely spoke up")},
                 EMPLOYER)
    assert ratings.submit(db, rating, rubric, policy, "Ana", EMPLOYER).status == "pending"


def test_the_lowest_level_is_every_level_at_the_fewest_points() -> None:
    """Two levels may tie on the fewest points: both are the lowest, in the rubric's order."""
    tied = Criterion("Safety", (Level("Not yet", 0), Level("Meets", 2), Level("Absent", 0)))
    assert ratings.lowest_levels(tied) == ("Not yet", "Absent")


def test_every_criterion_not_observed_cannot_be_submitted(db: Session) -> None:
    placement, rating, rubric = _open(db)
    ratings.save(db, rating, rubric, {name: Choice(None) for name in ALL}, EMPLOYER)
    with pytest.raises(ScoringError, match="Rate at least one criterion"):
        ratings.submit(db, rating, rubric, ratings.policy_for(db, placement.task_id), "Ana",
                       EMPLOYER)


def test_auto_accept_makes_the_employer_rating_final_at_once(db: Session) -> None:
    s, placement, rating, rubric = _opened(db)
    policy = ratings.set_policy(db, s.context, placement.task_id, accept_employer_ratings=True,
                                comment_required_for_lowest=False)
    ratings.save(db, rating, rubric, {name: Choice("Advanced") for name in ALL}, EMPLOYER)
    ratings.submit(db, rating, rubric, policy, "Ana", EMPLOYER)
    final = db.scalar(select(FinalScore).where(FinalScore.placement_id == placement.id))
    assert rating.status == "accepted"
    assert final is not None and (final.given, final.maximum) == (15.0, 15.0)
    assert {c.rater_kind for c in final.criteria} == {"employer"}


def test_a_score_decided_since_the_supervisor_was_asked_is_only_a_teachers(
        db: Session) -> None:
    """Accepted as it came, nobody decided: the supervisor's rating is still wanted. Scored by
    the teacher after the supervisor was asked: no longer; asked after that: wanted again."""
    s, placement, rating, rubric = _opened(db)
    asked_at = utcnow()
    policy = ratings.set_policy(db, s.context, placement.task_id, accept_employer_ratings=True,
                                comment_required_for_lowest=False)
    ratings.save(db, rating, rubric, {name: Choice("Advanced") for name in ALL}, EMPLOYER)
    ratings.submit(db, rating, rubric, policy, "Ana", EMPLOYER)
    assert rating.status == "accepted" and ratings.decided_since(db, placement, asked_at) is None

    version, _ = ratings.rubric_for(db, placement)
    final = moderation.score_directly(db, Work.of_placement(db, placement), version, rubric,
                                      Actor("teacher", "Lucia Rivera"),
                                      {name: Choice("Proficient") for name in ALL})
    assert ratings.decided_since(db, placement, asked_at) is final
    asked_again = final.decided_at + dt.timedelta(seconds=1)
    assert ratings.decided_since(db, placement, asked_again) is None


def test_not_observed_is_left_out_of_score_and_maximum(db: Session) -> None:
    _, _, rubric = _open(db)
    levels: dict[str, str | None] = {name: "Advanced" for name in ALL}
    levels["Communication"] = None
    # Four criteria of 0–3 points: all best = 12 of 12, the fifth counts for neither.
    assert ratings.score_of(levels, rubric) == (12.0, 12.0)
    levels["Professionalism"] = "Beginning"
    assert ratings.score_of(levels, rubric) == (9.0, 12.0)


def test_a_shared_templates_policy_is_not_changed_by_one_course(db: Session) -> None:
    """A template's policy holds for every course that places it: one course may not change it
    (it makes its own copy of the task to decide)."""
    s = school(db)
    template = library.create_template(db, draft(title="Job shadow", employer_scored=True))
    db.flush()
    with pytest.raises(ScoringError, match="shared with other courses"):
        ratings.set_policy(db, s.context, template.id, accept_employer_ratings=True,
                           comment_required_for_lowest=False)
    assert db.get(ScoringPolicy, template.id) is None
    own = ratings.set_policy(db, s.context, s.task_id, accept_employer_ratings=True,
                             comment_required_for_lowest=False)
    assert own.accept_employer_ratings
