"""The hours log: entries checked as typed, a running total, and the supervisor's review."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from competencies.work import submissions
from competencies.work.hours import (
    HoursEntry,
    confirm_hours,
    dispute_hours,
    log_hours,
    total,
)
from competencies.work.submissions import WorkRefused
from tests.competencies.work.factories import NOW, TODAY, classwork, stored_rows

NINE, ONE = dt.time(9, 0), dt.time(13, 30)


@pytest.mark.parametrize(("entry", "message"), [
    (HoursEntry(TODAY + dt.timedelta(days=1), "Filing", hours=2), "in the future"),
    (HoursEntry(TODAY, "Filing", hours=-2), "more than 0"),
    (HoursEntry(TODAY, "Filing", hours=0), "more than 0"),
    (HoursEntry(TODAY, "Filing", hours=30), "at most 24 hours"),
    (HoursEntry(TODAY, "Filing", starts_at=ONE, ends_at=NINE), r"end time \(09:00\) is not after"),
    (HoursEntry(TODAY, "Filing", starts_at=NINE), "both the start and the end"),
    (HoursEntry(TODAY, "Filing"), "Give the hours you worked"),
    (HoursEntry(TODAY, "  ", hours=2), "Say what you did"),
    (HoursEntry(None, "Filing", hours=2), "Give the date"),
    (HoursEntry(TODAY, "Filing", hours=2, stage="apprenticeship"), "stage from the list"),
    (HoursEntry(TODAY, "Filing", starts_at=NINE, ends_at=ONE, hours=2),
     r"^2 hours do not match 09:00 to 13:30; give the times or the hours\.$"),
    (HoursEntry(TODAY, "Filing", starts_at=NINE, ends_at=ONE, hours=1),
     r"^1 hour does not match 09:00 to 13:30; give the times or the hours\.$"),
])
def test_a_bad_entry_is_refused_and_nothing_stored(db: Session, entry: HoursEntry,
                                                   message: str) -> None:
    work = classwork(db)
    submission = work.open(db)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match=message):
        log_hours(db, submission, entry, TODAY, NOW)
    assert stored_rows(db) == before


def test_times_give_the_hours_and_the_total_runs_against_the_expected(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    spanned = log_hours(db, submission, HoursEntry(TODAY, "Triage", starts_at=NINE, ends_at=ONE,
                                                   stage="training", site="Bronx Clinic"),
                        TODAY, NOW)
    log_hours(db, submission, HoursEntry(TODAY - dt.timedelta(days=1), "Filing", hours=2),
              TODAY, NOW)
    assert spanned.hours == 4.5 and spanned.confirmation == "unconfirmed"
    hours = total(db, submission)
    assert (hours.logged, hours.confirmed, hours.expected, hours.remaining) == (6.5, 0, 4.0, 0)
    assert total(db, submission, placement_expected=60).remaining == 53.5


def test_a_confirmed_entry_can_no_longer_be_removed_by_the_student(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    entry = log_hours(db, submission, HoursEntry(TODAY, "Triage", hours=3), TODAY, NOW)
    confirm_hours(db, entry.id, "Ana Reyes", NOW)
    assert total(db, submission).confirmed == 3
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="confirmed these hours"):
        submissions.remove_artifact(db, submission, entry.id, NOW)
    with pytest.raises(WorkRefused, match="already confirmed"):
        dispute_hours(db, entry.id, "Ana Reyes", "Not here that day", NOW)
    assert stored_rows(db) == before


def test_a_disputed_entry_says_why_and_the_student_may_correct_it(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    entry = log_hours(db, submission, HoursEntry(TODAY, "Triage", hours=8), TODAY, NOW)
    with pytest.raises(WorkRefused, match="Say what is wrong"):
        dispute_hours(db, entry.id, "Ana Reyes", " ", NOW)
    dispute_hours(db, entry.id, "Ana Reyes", "You left at noon.", NOW)
    assert (entry.confirmation, entry.reviewed_by, entry.review_note) == (
        "disputed", "Ana Reyes", "You left at noon.")
    submissions.remove_artifact(db, submission, entry.id, NOW)
    log_hours(db, submission, HoursEntry(TODAY, "Triage", hours=3), TODAY, NOW)
    assert total(db, submission).logged == 3
