"""The employer's error pages: what went wrong at an employer address, said to an employer.

A supervisor has no course and no LMS account, so the LMS's advice ("open Worklink from your
course") cannot help them; their way back is the emailed link, or a new one from the teacher.
In Spanish they are addressed as usted (docs/spanish-glossary.md).
"""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext

from lti_tool.employer.messages import language
from lti_tool.employer.visit_language import chosen, speak
from lti_tool.i18n import page_language
from lti_tool.web import ErrorWords, error_words

_ASK_FOR_A_NEW_LINK = lazy_gettext(
    "Open the link again from the email you received. If it no longer works, ask the teacher "
    "who sent it to you for a new one.")
_RELOAD = lazy_gettext(
    "Reload the page and try again. If it keeps happening, ask the teacher who sent you the "
    "link for a new one.")

_PAGES: ErrorWords = {
    # status: (title, what happened, what to do next); the shared words where they address no
    # one, the employer's own where the LMS's speak as tú or send them to a course.
    400: (lazy_gettext("This request could not be understood"),
          lazy_gettext("Worklink could not read what was sent from this page."),
          _RELOAD),
    403: (lazy_gettext("Your link does not open this page"),
          lazy_gettext("This page belongs to another link."),
          _ASK_FOR_A_NEW_LINK),
    404: (lazy_gettext("Page not found"),
          lazy_gettext("There is nothing at this address: the link is old, or what it pointed "
                       "to was removed."),
          _ASK_FOR_A_NEW_LINK),
    405: (lazy_gettext("This page cannot be used that way"),
          lazy_gettext("The page was asked for in a way it does not accept."),
          _ASK_FOR_A_NEW_LINK),
    410: (lazy_gettext("This link no longer works"),
          lazy_gettext("The link has expired, or the teacher withdrew it."),
          _ASK_FOR_A_NEW_LINK),
    429: (lazy_gettext("Too many requests"),
          lazy_gettext("Too many attempts. Wait a minute and try again."),
          None),
    500: (lazy_gettext("Something went wrong in Worklink"),
          lazy_gettext("Worklink hit an error it did not expect. Nothing you did caused it, and "
                       "what you saved before is kept."),
          lazy_gettext("Reload the page in a minute. If it keeps happening, tell the teacher "
                       "who sent you the link the time it happened.")),
}


def error_page(status: int, message: str | None = None, *,
               kind: str | None = None) -> tuple[str, int]:
    """The employer's page for an HTTP status; a view's own message replaces the explanation.
    (Employer forms carry their own token, bound to the link, so no kind is theirs yet.)"""
    lang = chosen() or language(page_language())
    speak(lang)
    title, what, hint = error_words(status, _PAGES, kind)
    return render_template("employer/error.html", lang=lang,
                           status=status, title=title, message=message or what,
                           hint=hint), status
