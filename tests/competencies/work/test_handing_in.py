"""Handing work in and getting it back: nothing handed in is lost, late is shown, not refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import handing_in, submissions
from competencies.work.entries import add_link, save_reflection
from competencies.work.handing_in import MissingItems, return_for_revision, status_of, submit
from competencies.work.hours import HoursEntry, log_hours
from competencies.work.model import ReleasedFile
from competencies.work.submissions import WorkRefused, artifacts_in
from competencies.work.vocabulary import Status
from competencies.work.voice import SurveyAnswers, latest_survey
from tests.competencies.work.factories import NOW, TODAY, classwork, photo, stored_rows

LATER = NOW + dt.timedelta(days=3)


def _complete(db: Session, submission: submissions.Submission) -> None:
    add_link(db, submission, "https://portfolio.example.org/clinic", "My portfolio", NOW)
    save_reflection(db, submission, "<p>I learned to take vitals.</p>", NOW)
    log_hours(db, submission, HoursEntry(TODAY, "Shadowed the triage nurse", hours=4), TODAY, NOW)


def test_submitting_with_items_missing_names_each_and_changes_nothing(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    add_link(db, submission, "https://example.org/a", "", NOW)
    before = stored_rows(db)
    with pytest.raises(MissingItems) as refused:
        submit(db, submission, NOW, due_at=None)
    # The supervisor's sign-off is the employer's to give, never a reason to refuse.
    assert refused.value.kinds == [AskedArtifact.FILES, AskedArtifact.REFLECTION,
                                   AskedArtifact.HOURS_LOG]
    assert stored_rows(db) == before


def test_work_on_a_version_frozen_before_the_rename_asks_for_what_it_asked(db: Session) -> None:
    """The frozen snapshot names the kinds of artifact under "evidence", as before 0023."""
    work = classwork(db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION))
    submission = work.open(db)
    version = submissions.task_version(db, submission)
    snapshot = dict(version.snapshot)
    snapshot["evidence"] = snapshot.pop("asked_artifacts")
    version.snapshot = snapshot
    db.flush()
    db.expire(version)
    add_link(db, submission, "https://example.org/a", "", NOW)
    with pytest.raises(MissingItems) as refused:
        submit(db, submission, NOW, due_at=None)
    assert refused.value.kinds == [AskedArtifact.REFLECTION]


def test_late_is_recorded_not_refused(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.LINKS,))
    on_time, late = work.open(db, 0), work.open(db, 1)
    for submission in (on_time, late):
        add_link(db, submission, "https://example.org/a", "", NOW)
    assert not submit(db, on_time, NOW, due_at=NOW).late
    assert submit(db, late, LATER, due_at=NOW).late


def test_a_closed_task_cannot_be_handed_in(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.LINKS,))
    submission = work.open(db)
    add_link(db, submission, "https://example.org/a", "", NOW)
    work.close(db)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="closed"):
        submit(db, submission, NOW, due_at=None)
    assert stored_rows(db) == before


def test_a_resubmission_is_a_new_version_and_the_first_is_kept(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.LINKS, AskedArtifact.REFLECTION,
                                AskedArtifact.HOURS_LOG))
    submission = work.open(db)
    _complete(db, submission)
    submit(db, submission, NOW, due_at=None,
           survey=SurveyAnswers(learned="Vitals", recommend="yes", rating_experience=5))
    first = {(a.kind, a.url, a.body_html) for a in artifacts_in(db, submission.id, 1)}
    assert status_of(submission.state) is Status.SUBMITTED

    return_for_revision(db, submission, "Say more about the patients.", "Ms. Diaz", LATER)
    assert status_of(submission.state) is Status.RETURNED
    assert submission.versions[0].return_comment == "Say more about the patients."

    save_reflection(db, submission, "<p>I learned to take vitals and to listen.</p>", LATER)
    (link,) = submissions.current_artifacts(db, submission, handing_in.ArtifactKind.LINK)
    submissions.remove_artifact(db, submission, link.id, LATER)
    add_link(db, submission, "https://portfolio.example.org/v2", "", LATER)
    second = submit(db, submission, LATER, due_at=None)

    assert second.number == 2 and [v.number for v in submission.versions] == [1, 2]
    assert {(a.kind, a.url, a.body_html) for a in artifacts_in(db, submission.id, 1)} == first
    now = {(a.kind, a.url, a.body_html) for a in artifacts_in(db, submission.id, 2)}
    assert ("link", "https://portfolio.example.org/v2", None) in now
    assert ("reflection", None, "<p>I learned to take vitals and to listen.</p>") in now
    assert len(now) == 3  # the hours entry carried over by reference
    survey = latest_survey(db, submission.id)
    assert survey is not None and survey.learned == "Vitals"  # v2 was handed in without one


def test_only_handed_in_work_is_returned_and_a_comment_is_required(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.LINKS,))
    submission = work.open(db)
    with pytest.raises(WorkRefused, match="Only work that was handed in"):
        return_for_revision(db, submission, "More", "Ms. Diaz", NOW)
    add_link(db, submission, "https://example.org/a", "", NOW)
    submit(db, submission, NOW, due_at=None)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="comment is what they read"):
        return_for_revision(db, submission, "  ", "Ms. Diaz", NOW)
    assert stored_rows(db) == before


def test_status_follows_scoring_and_grading() -> None:
    assert status_of(None) is Status.NOT_STARTED
    assert status_of("submitted", employer_scored=True, has_placement=True) is \
        Status.AWAITING_EMPLOYER
    assert status_of("submitted", employer_scored=True, has_placement=False) is Status.SUBMITTED
    assert status_of("submitted", scored=True) is Status.SCORED
    assert status_of("submitted", scored=True, graded=True) is Status.GRADED
    assert status_of("returned", scored=True) is Status.RETURNED


@pytest.mark.parametrize(("answers", "message"), [
    (SurveyAnswers(rating_learning=6), "from 1 to 5"),
    (SurveyAnswers(rating_support=0), "from 1 to 5"),
    (SurveyAnswers(recommend="definitely"), "yes, maybe or no"),
])
def test_a_bad_survey_answer_refuses_the_hand_in(db: Session, answers: SurveyAnswers,
                                                 message: str) -> None:
    work = classwork(db, asked=(AskedArtifact.LINKS,))
    submission = work.open(db)
    add_link(db, submission, "https://example.org/a", "", NOW)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match=message):
        submit(db, submission, NOW, due_at=None, survey=answers)
    assert stored_rows(db) == before


def test_a_file_removed_from_the_draft_releases_its_bytes_a_handed_in_one_never(
        db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.FILES,))
    submission = work.open(db)
    kept = submissions.add_file(db, submission, photo(1), NOW)
    draft_only = submissions.add_file(db, submission, photo(2), NOW)
    submissions.remove_artifact(db, submission, draft_only.id, NOW)
    assert _released(db) == [photo(2).key, photo(2).thumbnail_key]
    submit(db, submission, NOW, due_at=None)
    return_for_revision(db, submission, "Show the finished panel.", "Ms. Diaz", LATER)
    submissions.remove_artifact(db, submission, kept.id, LATER)
    assert _released(db) == [photo(2).key, photo(2).thumbnail_key], "version 1 still holds it"
    assert [a.file_key for a in artifacts_in(db, submission.id, 1)] == [photo(1).key]


def _released(db: Session) -> list[str]:
    return list(db.scalars(select(ReleasedFile.key).order_by(ReleasedFile.id)))
