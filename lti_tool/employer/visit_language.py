"""Which language an employer's page speaks, and the switch's choice kept for the visit.

In order: the language the employer chose with the page's switch (kept in a cookie beside their
link's, so every page of the visit, the one after submitting included, keeps it), the language
the teacher recorded for the supervisor the link names, the browser's, then English. A link
that did not verify names no supervisor: the browser's language speaks for it.
"""

from __future__ import annotations

from flask import Response, g, request
from flask_babel import refresh

from lti_tool.employer.messages import LANGUAGES, language

COOKIE = "wl_employer_lang"


def asked() -> str | None:
    """The language this request names (the switch's ``?lang=``, or a form's), if offered."""
    lang = request.values.get("lang")
    return lang if lang in LANGUAGES else None


def chosen() -> str | None:
    """The language the employer asked for now or earlier in this visit."""
    kept = request.cookies.get(COOKIE)
    return asked() or (kept if kept in LANGUAGES else None)


def for_page(supervisor_language: str | None) -> str:
    """The page's language for a link naming a supervisor who reads ``supervisor_language``
    (``None``: no link, or one that names nobody)."""
    return chosen() or language(
        supervisor_language or request.accept_languages.best_match(LANGUAGES))


def speak(lang: str) -> None:
    """Pages and messages from here on speak ``lang``."""
    g.worklink_locale = lang
    refresh()


def remember(response: Response, *, seconds: int, secure: bool) -> None:
    """Keep the switch's choice (a ``GET`` with ``?lang=``) for the rest of the visit."""
    lang = request.args.get("lang")
    if request.method == "GET" and lang in LANGUAGES:
        response.set_cookie(COOKIE, str(lang), max_age=seconds, path="/employer",
                            httponly=True, samesite="Strict", secure=secure)
