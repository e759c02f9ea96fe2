"""The employer-link email: multipart plain text + HTML, in the supervisor's language."""

from __future__ import annotations

import dataclasses
import email.utils
from email.message import EmailMessage

import jinja2

from lti_tool.employer.messages import language, messages

_templates = jinja2.Environment(
    loader=jinja2.PackageLoader("lti_tool", "templates"),
    autoescape=jinja2.select_autoescape(["html"]), keep_trailing_newline=True)


@dataclasses.dataclass(frozen=True)
class LinkMail:
    to_address: str
    supervisor: str
    student: str
    partner: str
    task: str
    course: str
    teacher: str
    url: str
    expires: str
    lang: str


def employer_link_message(mail: LinkMail, sender: str) -> EmailMessage:
    lang = language(mail.lang)
    values = {**dataclasses.asdict(mail), "lang": lang, "m": messages(lang)}
    message = EmailMessage()
    message["Subject"] = messages(lang)["mail_subject"].format(student=mail.student,
                                                               partner=mail.partner)
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = email.utils.make_msgid(domain="worklink")
    # Mail scanners and clients prefetch links; this one is harmless to open, so no more is
    # needed than asking well-behaved ones not to auto-reply.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_templates.get_template("mail/employer_link.txt").render(values))
    message.add_alternative(_templates.get_template("mail/employer_link.html").render(values),
                            subtype="html")
    message["Content-Language"] = lang  # after set_content, which drops Content-* headers
    return message
