"""Links are web links only; a reflection keeps its words and loses any script."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from competencies.tasks.vocabulary import AskedArtifact
from competencies.work.entries import add_link, save_reflection
from competencies.work.handing_in import submit
from competencies.work.submissions import WorkRefused, artifacts_in
from tests.competencies.work.factories import NOW, classwork, stored_rows


@pytest.mark.parametrize(("url", "message"), [
    ("javascript:alert(1)", "must start with http:// or https://"),
    ("ftp://files.example.org/a", "must start with http:// or https://"),
    ("data:text/html,<b>x</b>", "must start with http:// or https://"),
    ("portfolio.example.org", "must start with http:// or https://"),
    ("https://", "not a complete web address"),
    ("", "Type or paste"),
])
def test_a_link_that_is_not_http_is_refused_and_nothing_stored(db: Session, url: str,
                                                               message: str) -> None:
    work = classwork(db)
    submission = work.open(db)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match=message):
        add_link(db, submission, url, "", NOW)
    assert stored_rows(db) == before


def test_a_web_link_is_kept_as_typed(db: Session) -> None:
    work = classwork(db)
    link = add_link(db, work.open(db), "  HTTPS://Example.org/Path?q=1  ", "Mine", NOW)
    assert (link.url, link.title, link.kind) == ("HTTPS://Example.org/Path?q=1", "Mine", "link")


def test_a_reflection_with_script_is_kept_without_it(db: Session) -> None:
    work = classwork(db)
    saved = save_reflection(db, work.open(db), '<div>I helped <strong>triage</strong>.'
                            '<script>alert(1)</script><img src=x onerror=alert(2)>'
                            '<a href="javascript:alert(3)">me</a></div>', NOW)
    assert saved is not None
    assert saved.body_html == '<div>I helped <strong>triage</strong>.<a rel="noopener">me</a></div>'


def test_saving_the_draft_reflection_twice_keeps_one(db: Session) -> None:
    work = classwork(db)
    submission = work.open(db)
    save_reflection(db, submission, "<p>First</p>", NOW)
    save_reflection(db, submission, "<p>Second</p>", NOW)
    assert [a.body_html for a in artifacts_in(db, submission.id, 1)] == ["<p>Second</p>"]
    assert save_reflection(db, submission, "<p> </p>", NOW) is None
    assert artifacts_in(db, submission.id, 1) == []


def test_a_link_to_handed_in_work_is_refused(db: Session) -> None:
    work = classwork(db, asked=(AskedArtifact.LINKS,))
    submission = work.open(db)
    add_link(db, submission, "https://example.org/a", "", NOW)
    submit(db, submission, NOW, due_at=None)
    before = stored_rows(db)
    with pytest.raises(WorkRefused, match="handed this work in"):
        add_link(db, submission, "https://example.org/b", "", NOW)
    assert stored_rows(db) == before
