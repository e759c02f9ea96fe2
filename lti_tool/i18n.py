"""Which language a page speaks, and the switch a person uses to change it.

Flask-Babel translates; the catalogues live in ``lti_tool/translations``. A page's locale is,
in order: the language the person chose with the switch (kept on their user row, so it follows
them into every course and launch), the locale their LMS sent with the last launch (LTI's
``launch_presentation.locale``, or the OpenID ``locale`` claim Canvas also sends), the
browser's ``Accept-Language``, then English. Words written outside anyone's page (the comment a
student's score carries to the LMS gradebook) name their language instead: the person's, from
:func:`person_language`, read from :func:`catalogue`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from babel import Locale, numbers, support
from flask import Blueprint, Flask, abort, g, redirect, request
from flask_babel import Babel, format_date, get_locale, get_translations, gettext
from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from competencies.messages import Message, Refused
from lti_tool.security import current_principal

SUPPORTED = ("en", "es")
"""The languages Worklink has catalogues for; English is the source language."""

LANGUAGE_NAMES = {"en": "English", "es": "Español"}
"""Each language in its own words, as the switch shows it (never translated)."""

NUMBER = "#,##0.##"
"""How a page writes a number: at most two decimals."""

_CATALOGUES = Path(__file__).parent / "translations"

bp = Blueprint("i18n", __name__)


def best_supported(tag: str | None) -> str | None:
    """The supported language for a BCP 47 or POSIX tag (``es-419``, ``es_MX``), if any."""
    if not tag or not isinstance(tag, str):
        return None
    try:
        language = Locale.parse(tag.replace("-", "_").split(".")[0]).language
    except (ValueError, TypeError):
        language = tag.replace("_", "-").split("-")[0].lower()
    return language if language in SUPPORTED else None


@functools.cache
def _locales_statement() -> Select[str | None, str | None]:
    # Built once (every page asks): building costs more than running it (profile_launch.py).
    from lti_tool.models import User

    return select(User.locale, User.launch_locale).where(User.id == bindparam("user_id"))


def _user_locales(user_id: int) -> tuple[str | None, str | None]:
    from lti_tool.db import db_work

    row = db_work().connection.execute(_locales_statement(), {"user_id": user_id}).first()
    return (row[0], row[1]) if row else (None, None)


def _preferred(chosen: str | None, launched: str | None) -> str | None:
    """The language a person chose with the switch, else the one their LMS launched them in."""
    for tag in (chosen, launched):
        language = best_supported(tag)
        if language:
            return language
    return None


def person_language(session: Session, user_id: int) -> str:
    """The language Worklink writes to a person in when no page of theirs asks (the comment
    their score carries to the gradebook): as their pages choose it, without the browser's,
    which is not there to ask; else English."""
    row = session.execute(_locales_statement(), {"user_id": user_id}).first()
    return (_preferred(row[0], row[1]) if row else None) or "en"


@functools.cache
def catalogue(language: str) -> support.NullTranslations:
    """Worklink's messages in ``language``, read once, for words that name their language rather
    than take the page's; English (the source) or a language without a catalogue reads as written.
    Not Flask-Babel's ``force_locale``: without an app context it changes nothing, silently, and a
    score is queued wherever scoring runs (a teacher's request, a command, a test)."""
    return support.Translations.load(str(_CATALOGUES), [language])


def select_locale() -> str:
    """The locale of this request (Flask-Babel asks once per request)."""
    forced = g.get("worklink_locale")
    if forced:
        return str(forced)
    principal = current_principal()
    if principal is not None and principal.user_id is not None:
        try:
            chosen, launched = _user_locales(principal.user_id)
        except SQLAlchemyError:
            # The error page of a failed database still has to speak: the browser's language.
            chosen = launched = None
        language = _preferred(chosen, launched)
        if language:
            return language
    return request.accept_languages.best_match(SUPPORTED) or "en"


def page_language() -> str:
    return str(get_locale() or "en")


def language_return_path() -> str:
    """Where the switch brings the person back: this page, or their home after a launch POST."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    from lti_tool.web import course_home_path

    return course_home_path() or "/"


def format_number(value: float | int | None, language: str | None = None,
                  pattern: str = NUMBER) -> str:
    """A number as the page's locale writes it (1.5 in English, 1,5 in Spanish), or as
    ``language`` does."""
    if value is None:
        return ""
    return str(numbers.format_decimal(value, format=pattern, locale=language or get_locale()))


_TYPED_NUMBER = re.compile(r"-?[0-9.,]*[0-9][0-9.,]*")


def parse_decimal(text: str) -> float:
    """A number as someone typed it: as the page's language writes numbers (“1,000.5”; in
    Spanish “1.000,5”, “2,5”), as a browser's number field sends it whatever the language
    (“2.5”), or with a decimal comma on an English page (“2,5”: no one groups 2 with 5).
    Anything else, fractions, words and “nan” included, raises ``ValueError``."""
    text = text.strip()
    if not _TYPED_NUMBER.fullmatch(text):
        raise ValueError(text)
    try:
        return float(numbers.parse_decimal(text, locale=get_locale(), strict=True))
    except numbers.NumberFormatError:
        pass
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    if not re.fullmatch(r"-?[0-9]*\.?[0-9]+", text):
        raise ValueError(text)
    return float(text)


def points_text(value: float, language: str | None = None, pattern: str = NUMBER) -> str:
    """“1 point”, “2,5 puntos”: a rubric value in words, its number in the locale's way (the
    page's, or ``language``'s)."""
    words = catalogue(language) if language else get_translations()
    # gettext's plural rules take whole numbers: 1 is singular, anything else (0, 2,5) plural.
    return str(words.ungettext("%(points)s point", "%(points)s points", 1 if value == 1 else 2)
               % {"points": format_number(value, language, pattern)})


def format_day(value: dt.datetime | dt.date | str | None) -> str:
    """A day as the page's language writes it; ``value`` may be an ISO 8601 moment as JSON
    keeps one (a piece of evidence's moderation). A moment falls on its day in the course's
    time zone: 7 PM in Los Angeles is the next day in UTC."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from lti_tool.course_time import page_zone

        value = value.astimezone(page_zone()).date()
    return str(format_date(value, "medium"))


ANONYMOUS = "Anonymous user"
"""What ``display_name`` says for a launch without personal data (marked in the models)."""


def person_name(person: Any) -> str:
    """A person's name for the header; the stand-in for an anonymous launch is translated."""
    if person is None:
        return str(gettext("Anonymous user"))
    name = str(person.display_name)
    return str(gettext("Anonymous user")) if name == ANONYMOUS else name


def translate(text: str | None) -> str:
    """Translate text the domain marked with ``N_`` (vocabulary labels, for example)."""
    return gettext(text) if text else ""


def message_text(message: Message) -> str:
    """One domain sentence in the page's language: the template translated (in the form its
    count asks for, if it is counted), then filled in, numbers and days as the language writes
    them."""
    params = {name: _shown_value(value) for name, value in message.params.items()}
    words = get_translations()
    if message.plural is None:
        text = words.ugettext(message.template)
    else:
        text = words.ungettext(message.template, message.plural, plural_count(message.count))
    return str(text % params if params else text)


def plural_count(value: float | None) -> int:
    """The number gettext's plural rules take, which are for whole numbers: a whole number as
    it is; with decimals, the plural (English and Spanish say “1.5 hours”, “1,5 horas”)."""
    if value is None:
        return 2
    return int(value) if float(value).is_integer() else 2


def _shown_value(value: Any) -> Any:
    if isinstance(value, Message):
        return message_text(value)
    if isinstance(value, float):
        return format_number(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return format_day(value)
    return value


def shown_message(value: Message | str | None) -> str:
    """Jinja filter ``message``: a stored sentence in the page's language (English text written
    before sentences were kept as templates is shown as it is)."""
    if value is None:
        return ""
    return message_text(value) if isinstance(value, Message) else str(value)


def refusal_text(exc: Refused) -> str:
    """What the domain refused, in the page's language: every page shows a refusal this way."""
    return " ".join(message_text(message) for message in exc.messages)


@bp.post("/language")
def choose_language() -> Any:
    """The language switch: remembers the choice on the person's user row, then goes back."""
    from lti_tool.db import db_session
    from lti_tool.models import User

    principal = current_principal()
    if principal is None or principal.user_id is None:
        abort(401)
    language = request.form.get("language", "")
    if language not in SUPPORTED:
        abort(400, gettext("Choose one of the languages Worklink offers."))
    session = db_session()
    session.execute(update(User).where(User.id == principal.user_id).values(locale=language))
    session.commit()
    return redirect(_local(request.form.get("next", "")), code=303)


def _local(target: str) -> str:
    """Only a path on this site: the switch must not become an open redirect."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


_TRANSLATIONS = "_page_translations"
"""Where a render's context carries the request's translations (see :func:`init_app`)."""


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return str(_page_translations(context).ugettext(string))


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return str(_page_translations(context).ungettext(singular, plural, n))


def _page_translations(context: Context) -> Any:
    return context.get(_TRANSLATIONS) or get_translations()


def _translations_for_the_page() -> dict[str, Any]:
    return {_TRANSLATIONS: get_translations()}


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    # Flask-Babel's template ``_()`` asks for the request's translations on every string: two
    # context-local lookups and the locale, about 14 µs each (bench/profile_launch.py), and a
    # page has dozens. Each render looks them up once and its strings read them from the
    # render context. Jinja's i18n extension still formats and escapes (newstyle gettext).
    app.context_processor(_translations_for_the_page)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_template_gettext, ngettext=_template_ngettext, newstyle=True)
    from lti_tool.csrf import csrf_token

    app.jinja_env.globals.update(page_language=page_language, language_names=LANGUAGE_NAMES,
                                 translate=translate, language_return_path=language_return_path,
                                 csrf_token=csrf_token, session_principal=current_principal,
                                 person_name=person_name, points=points_text)
    from lti_tool.course_time import page_zone_name, when, zone_options

    app.jinja_env.globals.update(page_zone_name=page_zone_name, zone_options=zone_options)

    app.jinja_env.filters.update(translate=translate, number=format_number, when=when,
                                 message=shown_message,
                                 day=format_day)
    app.register_blueprint(bp)
