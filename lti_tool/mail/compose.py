"""The employer-link email: multipart plain text + HTML, in the supervisor's language.

The worker renders it outside any request, so the catalogue Flask-Babel uses for the pages is
loaded here directly (``babel.support.Translations``) and installed in a Jinja environment of
our own.
"""

from __future__ import annotations

import dataclasses
import email.utils
import functools
from email.message import EmailMessage
from pathlib import Path

import jinja2
from babel.support import NullTranslations, Translations

from lti_tool.employer.messages import language

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


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


@functools.cache
def _environment(lang: str) -> tuple[jinja2.Environment, NullTranslations]:
    translations: NullTranslations = (Translations.load(str(TRANSLATIONS), [lang])
                                      if lang != "en" else NullTranslations())
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("lti_tool", "templates"),
        autoescape=jinja2.select_autoescape(["html"]), keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    return env, translations


def employer_link_message(mail: LinkMail, sender: str) -> EmailMessage:
    lang = language(mail.lang)
    env, translations = _environment(lang)
    values = {**dataclasses.asdict(mail), "lang": lang}
    message = EmailMessage()
    message["Subject"] = translations.gettext("Please rate %(student)s's work at %(partner)s") % {
        "student": mail.student, "partner": mail.partner}
    message["From"] = sender
    message["To"] = mail.to_address
    message["Date"] = email.utils.formatdate(localtime=False)
    message["Message-ID"] = email.utils.make_msgid(domain="worklink")
    # Mail scanners and clients prefetch links; this one is harmless to open, so no more is
    # needed than asking well-behaved ones not to auto-reply.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(env.get_template("mail/employer_link.txt").render(values))
    message.add_alternative(env.get_template("mail/employer_link.html").render(values),
                            subtype="html")
    message["Content-Language"] = lang  # after set_content, which drops Content-* headers
    return message
