"""Employer link mail through a real SMTP server on loopback: queued, sent, retried, failed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.orm import utcnow
from competencies.partners import links
from lti_tool.config import Config
from lti_tool.employer import issuing
from lti_tool.mail import outbox
from lti_tool.mail.smtp import SmtpSettings
from lti_tool.models import Course, MailStatus
from tests.competencies.partners.factories import school
from tests.lti_tool.mail.smtp_server import free_port, smtp_server

TEACHER = Actor("teacher", "Lucia Rivera")
SENDER = "Worklink <worklink@school.example.org>"


def _deliver(db: Session, config: Config, port: int, **kw: object) -> dict[str, int]:
    return outbox.deliver_due(db, SmtpSettings("127.0.0.1", port, "none"), sender=SENDER,
                              link_url=issuing.url_maker(db, config), **kw)  # type: ignore[arg-type]


def test_the_link_mail_arrives_multipart_in_the_supervisors_language(db: Session,
                                                                     config: Config) -> None:
    s = school(db, language="es")
    issued = issuing.issue_link(db, config, s.place(db), TEACHER)
    assert issued.mail is not None and issued.mail.status == "queued"
    with smtp_server() as (inbox, port):
        assert _deliver(db, config, port)["sent"] == 1
    [message] = inbox.messages
    assert inbox.envelopes[0][1] == ["ana.reyes@clinic.example.org"]
    assert message["Subject"].startswith("Por favor evalúe el trabajo de Student0 Test")
    assert message["Content-Language"] == "es"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None and html is not None
    text, markup = plain.get_content(), html.get_content()
    assert "Abrir la página de evaluación" in text and "Lucia Rivera" in text
    # The same signed link in both parts, built from the configured base URL.
    [url] = re.findall(r"https://worklink\.test/employer/open#[\w.-]+", text)
    assert f'href="{url}"' in markup
    assert issued.url == url
    assert issued.mail.status == MailStatus.SENT.value and issued.mail.sent_at is not None


@pytest.mark.parametrize(("language", "until"), [
    ("en", "This link works until December 21, {year} and only for you"),
    ("es", "Este enlace funciona hasta el 21 de diciembre de {year} y solo para usted")])
def test_the_link_mail_says_until_when_in_the_supervisors_words(
        db: Session, config: Config, language: str, until: str) -> None:
    """Not “until 2027-12-22”: the day the link stops, where the course is (here 5 PM in Los
    Angeles on the 21st, already the 22nd in UTC)."""
    s = school(db, language=language)
    db.execute(update(Course).values(time_zone="America/Los_Angeles"))
    issued = issuing.issue_link(db, config, s.place(db), TEACHER)
    year = utcnow().year + 1
    issued.link.expires_at = dt.datetime(year, 12, 22, 1, 0, tzinfo=dt.UTC)
    db.commit()
    until = until.format(year=year)
    with smtp_server() as (inbox, port):
        assert _deliver(db, config, port)["sent"] == 1
    [message] = inbox.messages
    for part in ("plain", "html"):
        body = message.get_body((part,))
        assert body is not None and until in body.get_content()


def test_a_refused_mailbox_fails_for_good_with_the_servers_answer(db: Session,
                                                                  config: Config) -> None:
    s = school(db)
    issued = issuing.issue_link(db, config, s.place(db), TEACHER)
    with smtp_server() as (inbox, port):
        inbox.refuse.add("ana.reyes@clinic.example.org")
        assert _deliver(db, config, port)["failed"] == 1
    assert issued.mail is not None and issued.mail.status == "failed"
    assert issued.mail.last_error == "The mail server answered 550: 5.1.1 No such mailbox here"


def test_a_server_that_is_down_or_busy_is_retried_later_then_delivers(db: Session,
                                                                      config: Config) -> None:
    s = school(db)
    issued = issuing.issue_link(db, config, s.place(db), TEACHER)
    mail = issued.mail
    assert mail is not None
    assert _deliver(db, config, free_port())["retry"] == 1  # nothing listens there
    assert mail.status == "queued" and mail.attempts == 1
    assert "could not be reached" in (mail.last_error or "")
    assert _deliver(db, config, free_port())["retry"] == 0  # not due yet
    later = utcnow() + dt.timedelta(minutes=1, seconds=1)
    with smtp_server() as (inbox, port):
        inbox.busy = True
        assert _deliver(db, config, port, now=later)["retry"] == 1
        assert "451" in (mail.last_error or "")
        inbox.busy = False
        assert _deliver(db, config, port, now=later + dt.timedelta(minutes=3))["sent"] == 1
    assert len(inbox.messages) == 1 and mail.attempts == 3


def test_a_replaced_or_revoked_link_is_never_mailed(db: Session, config: Config) -> None:
    s = school(db)
    placement = s.place(db)
    first = issuing.issue_link(db, config, placement, TEACHER)
    second = issuing.issue_link(db, config, placement, TEACHER)
    links.revoke(db, second.link, TEACHER)
    with smtp_server() as (inbox, port):
        assert _deliver(db, config, port) == {"sent": 0, "retry": 0, "failed": 0,
                                              "cancelled": 1}
    assert inbox.messages == []
    assert first.mail is not None and first.mail.status == "cancelled"


def test_links_for_a_whole_class_are_issued_at_once_replacing_live_ones(
        db: Session, config: Config) -> None:
    s = school(db)
    placements = [s.place(db, n) for n in range(3)]
    earlier = issuing.issue_link(db, config, placements[0], TEACHER)
    queued = issuing.issue_links(db, config, placements, TEACHER)
    assert [q.link.placement_id for q in queued] == [p.id for p in placements]
    assert all(q.mail.status == "queued" for q in queued)
    db.refresh(earlier.link)
    assert earlier.mail is not None
    db.refresh(earlier.mail)
    assert links.state(earlier.link) is links.LinkState.REVOKED
    assert earlier.mail.status == "cancelled"
    assert {links.state(q.link) for q in queued} == {links.LinkState.USABLE}
