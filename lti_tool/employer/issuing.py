"""Issuing employer links: the record, the signed URL, and the mail queued in one transaction."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners import links
from competencies.partners.links import EmployerLink
from competencies.partners.model import Placement
from lti_tool.config import Config
from lti_tool.employer import tokens
from lti_tool.mail.outbox import queue_link_mail, queue_link_mails
from lti_tool.models import OutboundMail

OPEN_PATH = "/employer/open"


@dataclasses.dataclass(frozen=True)
class IssuedLink:
    link: EmployerLink
    url: str
    mail: OutboundMail | None


@dataclasses.dataclass(frozen=True)
class QueuedLink:
    """A link issued in bulk: its URL is signed when shown or mailed, not before."""

    link: EmployerLink
    mail: OutboundMail


def link_url(session: Session, config: Config, link: EmployerLink) -> str:
    """The address to give the supervisor, from the configured base URL (never the request's
    Host header, which a client chooses). The token rides in the fragment, which browsers never
    send to a server, so no access log, proxy or Referer ever holds it."""
    return f"{config.base_url}{OPEN_PATH}#{tokens.sign(session, link, config.base_url)}"


def url_maker(session: Session, config: Config) -> Callable[[EmployerLink], str]:
    return lambda link: link_url(session, config, link)


def issue_link(session: Session, config: Config, placement: Placement, actor: Actor, *,
               send_mail: bool = True, bind_email: bool = False) -> IssuedLink:
    """A new link for the placement's supervisor (the old one revoked), its mail queued; commits."""
    issued = links.issue(session, placement, actor,
                         lifetime=dt.timedelta(days=config.employer_link_days),
                         bind_email=bind_email)
    mail = queue_link_mail(session, issued.link) if send_mail else None
    url = link_url(session, config, issued.link)
    session.commit()
    return IssuedLink(issued.link, url, mail)


def issue_links(session: Session, config: Config, placements: Sequence[Placement],
                actor: Actor) -> list[QueuedLink]:
    """A link and a queued mail for each placement (a class, a district's CSV); one commit,
    a handful of statements whatever the count, and nothing sent inline."""
    issued = links.issue_many(session, placements, actor,
                              lifetime=dt.timedelta(days=config.employer_link_days))
    mails = queue_link_mails(session, [i.link for i in issued],
                             [old for i in issued for old in i.replaced])
    session.commit()
    return [QueuedLink(i.link, mail) for i, mail in zip(issued, mails, strict=True)]
