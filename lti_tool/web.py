"""Pages every audience shares: errors in Worklink's own words."""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol

from flask import Blueprint, Flask, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_babel import lazy_gettext
from markupsafe import Markup, escape
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from lti_tool.db import db_session
from lti_tool.models import Course, User
from lti_tool.page_context import CourseView
from lti_tool.security import Role, current_principal

_OPEN_AGAIN = lazy_gettext("Open Worklink again from your course in the LMS.")

ErrorWords = dict[int | str, tuple[Any, Any, Any]]
"""Per HTTP status, or per kind of error where a status covers several (an exception of ours
names its ``kind``): title, what happened, what to do next (lazy strings; no next step: None)."""

FORM_EXPIRED = "form-expired"

_PAGES: ErrorWords = {
    # status: (title, what happened, what to do next). Werkzeug's stock descriptions talk about
    # servers and passwords; a teacher or student needs to know what to do now.
    400: (lazy_gettext("This request could not be understood"),
          lazy_gettext("Worklink could not read what your browser sent."),
          lazy_gettext("Go back, reload the page and try again.")),
    401: (lazy_gettext("Please open Worklink from your course"),
          lazy_gettext("Worklink does not know who you are on this page: your session ended, "
                       "or the page was opened outside your course."),
          _OPEN_AGAIN),
    403: (lazy_gettext("You do not have access to this page"),
          lazy_gettext("This page belongs to another course or to another role."),
          lazy_gettext("Open Worklink from the course you want to work in. If you should have "
                       "access, ask the course's teacher to check your role in the LMS.")),
    404: (lazy_gettext("Page not found"),
          lazy_gettext("There is nothing at this address: the link is old, or what it pointed "
                       "to was removed."),
          _OPEN_AGAIN),
    405: (lazy_gettext("This page cannot be used that way"),
          lazy_gettext("The page was asked for in a way it does not accept."),
          lazy_gettext("Go back and use the page's own links and buttons.")),
    409: (lazy_gettext("This changed in the meantime"),
          lazy_gettext("Someone else changed this while you were working on it."),
          lazy_gettext("Reload the page to see the latest version, then make your change again.")),
    413: (lazy_gettext("That file is too large"),
          lazy_gettext("What you sent is larger than Worklink accepts."),
          lazy_gettext("Send a smaller file, or a link to where the file is kept.")),
    422: (lazy_gettext("This launch could not be accepted"),
          lazy_gettext("What your course platform sent could not be accepted."),
          _OPEN_AGAIN),
    FORM_EXPIRED: (lazy_gettext("This form has expired"),
                   lazy_gettext("The page this form came from was opened too long ago, or "
                                "before your session ended, so Worklink cannot tell that it "
                                "came from you. Nothing was saved."),
                   lazy_gettext("Go back, reload the page and send the form again.")),
    429: (lazy_gettext("Too many requests"),
          lazy_gettext("Worklink received too many requests from you in a short time."),
          lazy_gettext("Wait a minute, then try again.")),
    500: (lazy_gettext("Something went wrong in Worklink"),
          lazy_gettext("Worklink hit an error it did not expect. It was not caused by anything "
                       "you did, and what you saved before is kept."),
          lazy_gettext("Reload the page in a minute. If it keeps happening, tell your school's "
                       "Worklink administrator the time it happened.")),
    502: (lazy_gettext("Worklink could not reach another service"),
          lazy_gettext("A service Worklink depends on did not answer properly."),
          lazy_gettext("Try again in a few minutes.")),
    503: (lazy_gettext("Worklink is not available right now"),
          lazy_gettext("Worklink is being updated or is too busy to answer."),
          lazy_gettext("Try again in a few minutes.")),
    504: (lazy_gettext("Worklink took too long to answer"),
          lazy_gettext("A service Worklink depends on did not answer in time."),
          lazy_gettext("Try again in a few minutes.")),
}


def error_words(status: int, pages: ErrorWords = _PAGES,
                kind: str | None = None) -> tuple[str, str, str | None]:
    """Title, explanation and next step for an HTTP status (or the ``kind`` of error, where the
    audience's ``pages`` have words for it), in the page's language, from those ``pages`` (the
    LMS's by default); a status they lack reads as 500 or 400."""
    if kind is not None and kind in pages:
        title, message, hint = pages[kind]
    else:
        title, message, hint = pages.get(status, pages[500 if status >= 500 else 400])
    return str(title), str(message), str(hint) if hint else None


def error_page(status: int, message: str | None = None, *, title: str | None = None,
               hint: str | None = None, kind: str | None = None) -> tuple[str, int]:
    """An error page: Worklink's words for the status (or kind) unless the caller has better
    ones."""
    default_title, default_message, default_hint = error_words(status, kind=kind)
    return (
        render_template("error.html", status=status, title=title or default_title,
                        message=message or default_message, hint=hint or default_hint),
        status,
    )


TITLE_SEPARATOR = " · "


def title_line(page: str, course: Course | CourseView | None = None) -> Markup:
    """Every page's ``<title>``, one pattern: the page · its course (where there is one) ·
    Worklink. A screen reader says it first, and it names the LMS's browser tab; ``page`` is
    the page's ``page_title`` block as drawn (already escaped), ``course`` the page's course."""
    parts = [Markup(" ".join(escape(page).split()))]
    course_name = (course.title or course.label) if course is not None else None
    if course_name:
        parts.append(escape(course_name))
    return Markup(TITLE_SEPARATOR).join([part for part in parts if part] + ["Worklink"])


def course_home_path() -> str | None:
    """The signed-in person's course home (teacher's or student's), None without one: the way
    back from an error page, and where the language switch returns after a POST."""
    principal = current_principal()
    if principal is None or principal.course_id is None:
        return None
    if principal.is_staff:
        return url_for("teacher.home", course_id=principal.course_id)
    if principal.role is Role.STUDENT:
        return url_for("student.home", course_id=principal.course_id)
    return None


@dataclasses.dataclass(frozen=True)
class SignedInPlace:
    """The layout a page of no audience's own (an error, a refusal) is drawn in, and the course
    and person its header shows."""

    layout: str
    course: CourseView | None = None
    user: User | None = None


_NOBODY = SignedInPlace("base.html")


def signed_in_place() -> SignedInPlace:
    """The signed-in teacher's or student's layout, in their own course: the navigation that
    leads on from an error page inside the LMS. Always the session's course, never the one the
    refused address names, so a refusal of another course's page shows nothing of that course,
    not even whether the page is there. Anyone else: the bare layout."""
    principal = current_principal()
    if principal is None or principal.course_id is None:
        return _NOBODY
    if principal.is_staff:
        layout = "teacher/layout.html"
    elif principal.role is Role.STUDENT:
        layout = "student/layout.html"
    else:
        return _NOBODY
    try:
        session = db_session()
        course = session.get(Course, principal.course_id)
        user = session.get(User, principal.user_id) if principal.user_id is not None else None
    except SQLAlchemyError:
        # The error being drawn may be the database's own: the bare layout still draws.
        return _NOBODY
    return SignedInPlace(layout, CourseView(principal.course_id, course.title if course else None,
                                            course.label if course else None), user)


class ErrorPage(Protocol):
    """Renders an error page for a status, with a view's own message if it gave one, in the
    words for the kind of error if the exception named one its audience has words for."""

    def __call__(self, status: int, message: str | None = None, *,
                 kind: str | None = None) -> tuple[str, int]: ...

_AUDIENCE_PAGES = "worklink.audience_error_pages"


def error_pages_under(bp: Blueprint, render: ErrorPage) -> None:
    """Errors at ``bp``'s addresses render with ``render`` instead of :func:`error_page`.

    For an audience outside the LMS (the employer), whose advice cannot be "open Worklink from
    your course". Matched by the blueprint's URL prefix, not by its endpoints: an address under
    it that no view answers (404, 405) never reaches a blueprint's own error handlers.
    """
    prefix = bp.url_prefix
    assert prefix, "an audience's error pages need the blueprint's own URL prefix"

    def _register(state: BlueprintSetupState) -> None:
        state.app.extensions.setdefault(_AUDIENCE_PAGES, {})[prefix.rstrip("/")] = render

    bp.record_once(_register)


def _page_for_this_address() -> ErrorPage:
    pages: dict[str, ErrorPage] = current_app.extensions.get(_AUDIENCE_PAGES, {})
    for prefix, render in pages.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return render
    return error_page


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(principal=current_principal, course_home_path=course_home_path,
                                 signed_in_place=signed_in_place)
    app.jinja_env.filters.update(title_line=title_line)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException) -> Any:
        status = exc.code or 500
        # A description a view gave (abort(403, "…")) is ours; a class default is not.
        own = exc.description if exc.description != type(exc).description else None
        return _page_for_this_address()(status, own, kind=getattr(exc, "kind", None))

    @app.get("/")
    def root() -> str:
        """What Worklink is and how to reach it: people arrive here from a bare address."""
        return render_template("root.html")
