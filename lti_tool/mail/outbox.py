"""The mail queue: rows written with the change that causes them, delivered by the worker.

Issuing a thousand links writes a thousand rows and sends nothing inline. The worker (or the
teacher's "send now") delivers what is due: a temporary failure is retried later with a growing
delay, a permanent one (or too many attempts) is marked failed with the server's answer, which
the teacher sees beside the link. The message is rendered, and its link signed, only at send
time, so nothing at rest in the queue grants access.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from babel.dates import format_date
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from competencies.partners.links import EmployerLink, LinkState, state
from competencies.tasks.model import Task
from lti_tool.course_time import zone_of
from lti_tool.employer.messages import language
from lti_tool.mail import smtp
from lti_tool.mail.compose import LinkMail, employer_link_message
from lti_tool.mail.smtp import SendFailed, SmtpSettings
from lti_tool.models import Course, MailStatus, OutboundMail, User

MAX_ATTEMPTS = 6
BATCH = 50


def queue_link_mail(session: Session, link: EmployerLink) -> OutboundMail:
    """A mail for this link, due now; any mail still queued for links it replaced is cancelled."""
    session.execute(
        update(OutboundMail).where(
            OutboundMail.status == MailStatus.QUEUED.value,
            OutboundMail.link_id.in_(select(EmployerLink.id).where(
                EmployerLink.placement_id == link.placement_id,
                EmployerLink.supervisor_id == link.supervisor_id, EmployerLink.id != link.id)))
        .values(status=MailStatus.CANCELLED.value, last_error="A newer link replaced this one."))
    mail = OutboundMail(registration_id=link.registration_id, course_id=link.course_id,
                        link_id=link.id, kind="employer_link",
                        to_address=link.supervisor.email, language=link.supervisor.language,
                        status=MailStatus.QUEUED.value, next_attempt_at=utcnow())
    session.add(mail)
    return mail


def queue_link_mails(session: Session, issued: list[EmployerLink],
                     replaced: list[EmployerLink]) -> list[OutboundMail]:
    """:func:`queue_link_mail` for many links at once (a class, a district's CSV)."""
    old = [link.id for link in replaced]
    for start in range(0, len(old), 500):
        session.execute(
            update(OutboundMail).where(OutboundMail.status == MailStatus.QUEUED.value,
                                       OutboundMail.link_id.in_(old[start:start + 500]))
            .values(status=MailStatus.CANCELLED.value,
                    last_error="A newer link replaced this one."))
    now = utcnow()
    mails = [OutboundMail(registration_id=link.registration_id, course_id=link.course_id,
                          link_id=link.id, kind="employer_link",
                          to_address=link.supervisor.email, language=link.supervisor.language,
                          status=MailStatus.QUEUED.value, next_attempt_at=now)
             for link in issued]
    session.add_all(mails)
    return mails


def latest_for_links(session: Session, link_ids: list[int]) -> dict[int, OutboundMail]:
    found: dict[int, OutboundMail] = {}
    for mail in session.scalars(select(OutboundMail).where(OutboundMail.link_id.in_(link_ids))
                                .order_by(OutboundMail.id)):
        assert mail.link_id is not None
        found[mail.link_id] = mail
    return found


def deliver_due(session: Session, settings: SmtpSettings, *, sender: str,
                link_url: Callable[[EmployerLink], str], now: dt.datetime | None = None,
                send: Callable[..., None] = smtp.send, limit: int = BATCH) -> dict[str, int]:
    """Send what is due, one commit per mail; returns counts by outcome."""
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "cancelled": 0}
    due = list(session.scalars(
        select(OutboundMail).where(OutboundMail.status == MailStatus.QUEUED.value,
                                   OutboundMail.next_attempt_at <= now)
        .order_by(OutboundMail.next_attempt_at, OutboundMail.id).limit(limit)))
    for mail in due:
        outcome = deliver(session, mail, settings, sender=sender, link_url=link_url, now=now,
                          send=send)
        counts[outcome] += 1
    return counts


def deliver(session: Session, mail: OutboundMail, settings: SmtpSettings, *, sender: str,
            link_url: Callable[[EmployerLink], str], now: dt.datetime | None = None,
            send: Callable[..., None] = smtp.send) -> str:
    """One attempt at one mail; commits its new state and says what happened."""
    now = now or utcnow()
    link = session.get(EmployerLink, mail.link_id) if mail.link_id else None
    if link is None or state(link, now=now) in (LinkState.REVOKED, LinkState.EXPIRED):
        mail.status = MailStatus.CANCELLED.value
        mail.last_error = "The link was withdrawn or expired before the mail went out."
        session.commit()
        return "cancelled"
    mail.attempts += 1
    try:
        send(settings, employer_link_message(_link_mail(session, link, link_url(link)), sender))
    except SendFailed as exc:
        mail.last_error = str(exc)[:2000]
        if exc.permanent or mail.attempts >= MAX_ATTEMPTS:
            mail.status = MailStatus.FAILED.value
            session.commit()
            return "failed"
        # 1, 2, 4, 8, 16 minutes: a mail server back within the half hour gets every mail.
        mail.next_attempt_at = now + dt.timedelta(minutes=2 ** (mail.attempts - 1))
        session.commit()
        return "retry"
    mail.status = MailStatus.SENT.value
    mail.sent_at = now
    mail.last_error = None
    session.commit()
    return "sent"


def _link_mail(session: Session, link: EmployerLink, url: str) -> LinkMail:
    placement = link.placement
    student = session.get(User, placement.student_id)
    course = session.get(Course, link.course_id)
    task = session.get(Task, placement.task_id)
    lang = language(link.supervisor.language)
    # The day the link stops working where the course is, as the supervisor's language
    # writes it (the mail is written outside any page, so its language is named).
    expires = str(format_date(link.expires_at.astimezone(zone_of(session, link.course_id)),
                              "long", locale=lang))
    return LinkMail(
        to_address=link.supervisor.email, supervisor=link.supervisor.name,
        student=student.display_name if student else "", partner=placement.partner.name,
        task=task.title if task else "", course=(course.title or "") if course else "",
        teacher=link.issued_by, url=url, expires=expires, lang=lang)
