"""A course's time zone: every date is typed and shown in it, and stored in UTC.

Where the zone comes from, in order: the zone a teacher set for the course; the zone the
platform says (Canvas sends the launching teacher's as ``$Person.address.timezone`` in the
``time_zone`` custom field); the zone of the teacher's browser, taken when they first save a
date. Without any of them, UTC, said as such beside every date.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

from babel import Locale
from babel.dates import format_datetime
from flask import g
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti_tool.models import Course

TIME_ZONE_PARAM = "time_zone"
"""The custom parameter a platform may fill with an IANA zone name."""


@functools.cache
def known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def zone_options() -> Markup:
    """The ``<option>`` list of every zone, sorted, for the zone field's datalist.

    Built once per process: some 600 names, which rendered in the template on every teacher
    landing were most of that page's time (bench/profile_launch.py).
    """
    return Markup("").join(Markup('<option value="{}">').format(zone)
                           for zone in sorted(known_zones()))


def valid_zone(name: str | None) -> str | None:
    """The IANA zone name if it is one (``America/Los_Angeles``), else None."""
    name = (name or "").strip()
    return name if name in known_zones() else None


def zone_name_of(session: Session, course_id: int | None) -> str | None:
    if course_id is None:
        return None
    row = session.execute(select(Course.time_zone, Course.platform_time_zone)
                          .where(Course.id == course_id)).first()
    return (row[0] or row[1]) if row else None


def zone_of(session: Session, course_id: int | None) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(zone_name_of(session, course_id) or "UTC")


def set_zone(session: Session, course_id: int, name: str) -> None:
    """The teacher's choice for the course (the caller checked it with :func:`valid_zone`)."""
    session.execute(update(Course).where(Course.id == course_id).values(time_zone=name))


def adopt_browser_zone(session: Session, course_id: int, name: str | None) -> None:
    """A course with no zone yet takes the one of the browser that first typed a date."""
    zone = valid_zone(name)
    if zone and zone_name_of(session, course_id) is None:
        set_zone(session, course_id, zone)


def as_local_input(value: dt.datetime | None, zone: dt.tzinfo) -> str:
    """A stored moment for a ``datetime-local`` field, in the course's zone."""
    return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") if value else ""


def format_moment(value: dt.datetime, zone: dt.tzinfo, locale: str) -> str:
    """Date, time and zone as the locale writes them: “Dec 10, 2026, 5:00 PM PST”."""
    babel_locale = Locale.parse(locale)
    pattern = (babel_locale.date_formats["medium"].pattern + ", "
               + babel_locale.time_formats["short"].pattern)
    text = format_datetime(value, pattern + " z", tzinfo=zone, locale=babel_locale)
    if text.rsplit(" ", 1)[-1][:1] in "+-" or "GMT" in text.rsplit(" ", 1)[-1]:
        # Where the locale has no short name for the zone (Spanish: “-0800”), its long name.
        text = format_datetime(value, pattern + " (zzzz)", tzinfo=zone, locale=babel_locale)
    return str(text)


def page_zone() -> dt.tzinfo:
    """The zone of the course this request works in (UTC outside a course)."""
    if "course_zone" not in g:
        from lti_tool.db import db_session
        from lti_tool.security import current_principal

        principal = current_principal()
        g.course_zone = zone_of(db_session(), principal.course_id if principal else None)
    return g.course_zone  # type: ignore[no-any-return]


def page_zone_name() -> str | None:
    """The zone name the course has set or was given, None while it has none."""
    from lti_tool.db import db_session
    from lti_tool.security import current_principal

    principal = current_principal()
    return zone_name_of(db_session(), principal.course_id if principal else None)


def when(value: dt.datetime | None) -> str:
    """Jinja filter: a stored moment in the course's zone and the page's language."""
    if value is None:
        return ""
    return format_moment(value, page_zone(), str(get_locale() or "en"))
