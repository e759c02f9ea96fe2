"""What a placement's supervisor sees of the student's work, and reviewing the hours log."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from competencies.tasks.vocabulary import AskedArtifact
from competencies.work import for_supervisor, submissions
from competencies.work.entries import add_link, save_reflection
from competencies.work.handing_in import submit
from competencies.work.hours import HoursEntry, log_hours
from competencies.work.submissions import WorkRefused
from competencies.work.vocabulary import HoursConfirmation
from tests.competencies.work.factories import NOW, TODAY, classwork, photo, stored_rows

ASKED = (AskedArtifact.FILES, AskedArtifact.LINKS, AskedArtifact.REFLECTION,
         AskedArtifact.HOURS_LOG)


def _handed_in(db: Session):  # type: ignore[no-untyped-def]
    work = classwork(db, asked=ASKED)
    placement = work.school.place(db)
    submission = work.open(db)
    submissions.add_file(db, submission, photo(1), NOW)
    add_link(db, submission, "https://portfolio.example.org/amani", "Portfolio", NOW)
    save_reflection(db, submission, "<p>I learned triage.</p>", NOW)
    entry = log_hours(db, submission, HoursEntry(TODAY, "Triage", hours=4), TODAY, NOW)
    submit(db, submission, NOW, due_at=None)
    return work, placement, submission, entry


def test_the_supervisor_sees_what_was_handed_in_and_the_hours(db: Session) -> None:
    _work, placement, _submission, entry = _handed_in(db)
    view = for_supervisor.view_for(db, placement)
    assert [a.filename for a in view.files] == ["site-1.jpg"]
    assert [a.url for a in view.links] == ["https://portfolio.example.org/amani"]
    assert "triage" in (view.reflections[0].body_html or "")
    assert [e.id for e in view.hours] == [entry.id]
    assert view.total.logged == 4 and view.total.confirmed == 0


def test_a_draft_the_student_is_still_writing_is_not_shown(db: Session) -> None:
    work = classwork(db, asked=ASKED)
    placement = work.school.place(db)
    submission = work.open(db)
    add_link(db, submission, "https://drafts.example.org/", "Not yet", NOW)
    view = for_supervisor.view_for(db, placement)
    assert view.handed_in is None and view.links == []


def test_confirming_an_entry_counts_it_and_locks_it(db: Session) -> None:
    _work, placement, _submission, entry = _handed_in(db)
    for_supervisor.review_hours(db, placement, entry.id, confirm=True, supervisor_name="Ana Reyes",
                                note="", now=NOW)
    view = for_supervisor.view_for(db, placement)
    assert view.hours[0].confirmation == HoursConfirmation.CONFIRMED.value
    assert view.total.confirmed == 4


def test_another_students_entry_is_refused_and_nothing_changes(db: Session) -> None:
    work, placement, _submission, _entry = _handed_in(db)
    other = work.open(db, 1)
    theirs = log_hours(db, other, HoursEntry(TODAY, "Filing", hours=2), TODAY, NOW)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="not in this student's hours log"):
        for_supervisor.review_hours(db, placement, theirs.id, confirm=True,
                                    supervisor_name="Ana Reyes", note="", now=NOW)
    assert stored_rows(db) == before


def test_a_file_of_another_student_is_not_this_placements(db: Session) -> None:
    work, placement, _submission, _entry = _handed_in(db)
    other = work.open(db, 1)
    theirs = submissions.add_file(db, other, photo(2), NOW)
    with pytest.raises(WorkRefused, match="not part of this student's work"):
        for_supervisor.file_for(db, placement, theirs.id)
    mine = for_supervisor.view_for(db, placement).files[0]
    assert for_supervisor.file_for(db, placement, mine.id).id == mine.id


def test_a_placement_made_after_the_student_started_still_finds_their_work(db: Session) -> None:
    work = classwork(db, asked=ASKED)
    submission = work.open(db)  # no placement yet
    assert submission.placement_id is None
    placement = work.school.place(db)
    assert for_supervisor.submission_for(db, placement) is submission


def test_a_dispute_needs_a_reason(db: Session) -> None:
    _work, placement, _submission, entry = _handed_in(db)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="Say what is wrong"):
        for_supervisor.review_hours(db, placement, entry.id, confirm=False,
                                    supervisor_name="Ana Reyes", note=" ", now=NOW)
    assert stored_rows(db) == before
