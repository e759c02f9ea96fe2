"""Who is asking: the session bound to an LTI launch, how it travels, and the checks every page makes.

A launch starts a server-side session (:mod:`lti_tool.sessions`); the browser holds a token
naming it, signed for that purpose (:mod:`lti_tool.signing`). The token never goes in a URL: a
URL is copied into chats, projected, kept in history and written to access logs, and must grant
nothing to whoever opens it. It travels in one of three ways:

* the **cookie** (partitioned, ``SameSite=None`` over https), wherever the browser keeps it;
* otherwise the **page**: every page renders the token in ``<meta name="worklink-session">`` and
  ``static/session.js`` sends it in the ``X-Worklink-Session`` header. Inside an LMS iframe that
  keeps no cookie (Safari, Chrome with third-party cookies blocked) the script turns link
  clicks and form submits, GET searches included, into ``fetch`` requests carrying the header,
  and draws the answer in place of the page (``history.pushState`` keeps the address bar and
  the back button honest). ``fetch`` keeps the header across the redirect that follows a saved
  form, which a plain navigation could not. A hidden form field would put the token in the URL
  for a GET form; a one-time navigation ticket would break the reload; the script does neither.
  A cookieless iframe already needs JavaScript to launch at all (Platform Storage), so this adds
  no new requirement;
* a **form body** (``wl_session``, POST only), for the one case no header can reach: a link
  that opens a new window, whose first-party cookie jar holds nothing of the iframe's. The
  script posts the token to ``/session/window``, which starts a session of the window's own.

Once a request came with both a page token and the same token as a cookie, the page says so
(``data-carrier="cookie"``) and the script lets the browser navigate natively.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, abort, g, request
from werkzeug.wrappers import Response as WerkzeugResponse

from lti_tool import sessions
from lti_tool.config import app_config
from lti_tool.db import db_work
from lti_tool.signing import signer

SESSION_COOKIE = "wl_session"
SESSION_FIELD = "wl_session"
"""A POST body field; read from the form only, never from the query string."""
SESSION_HEADER = "X-Worklink-Session"


class Role(enum.StrEnum):
    """Worklink's own roles; :mod:`lti_tool.lti.roles` maps IMS roles onto them."""

    OPERATOR = "operator"
    """Runs this Worklink instance across every platform. Granted only by the one-time link
    ``worklink admin link`` prints, never by an LTI launch: anyone can register a platform by
    Dynamic Registration and launch from it as "Administrator"."""
    ADMIN = "admin"
    """A platform administrator (an LTI Administrator role), within their own registration."""
    TEACHER = "teacher"
    TEACHING_ASSISTANT = "teaching_assistant"
    STUDENT = "student"
    GUEST = "guest"
    """Launched with no role Worklink recognises (the certification's "unknown role" launch)."""


STAFF = frozenset({Role.ADMIN, Role.TEACHER, Role.TEACHING_ASSISTANT})


@dataclasses.dataclass(frozen=True)
class Principal:
    user_id: int | None
    registration_id: int
    course_id: int | None
    role: Role
    launch_id: str
    deployment_id: int | None = None
    session_id: str = ""
    """The ``browser_session`` row; empty until :func:`bind_session` started one."""

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


def current_principal() -> Principal | None:
    """Who sent this request: the live session its page token, form body or cookie names."""
    if "principal" in g:
        return g.principal  # type: ignore[no-any-return]
    sent = request.headers.get(SESSION_HEADER)
    if not sent and request.method == "POST":
        sent = request.form.get(SESSION_FIELD)  # the body only: never the query string
    cookie = request.cookies.get(SESSION_COOKIE)
    token = sent or cookie
    principal = _resume(token) if token else None
    g.principal = principal
    g.session_token = token if principal else None
    g.session_carrier = "cookie" if principal and token == cookie else "page"
    return principal


def _resume(token: str) -> Principal | None:
    config = app_config()
    session_id = sessions.session_id_of(signer(), token)
    if session_id is None:
        return None
    row = sessions.read(db_work().connection, session_id, idle=config.session_idle_seconds)
    if row is None:
        return None
    if row.stale:
        # Committed at once. Safe because this runs before the view (lti_tool.csrf resolves
        # the principal in before_request): nothing of the view's is in the unit of work yet.
        work = db_work()
        sessions.touch(work.writer, session_id)
        work.commit()
    return Principal(row.user_id, row.registration_id or 0, row.course_id, Role(row.role),
                     row.launch_id, deployment_id=row.deployment_id, session_id=session_id)


def bind_session(response: WerkzeugResponse, principal: Principal) -> Principal:
    """Start a session for ``principal`` in the request's unit of work (the caller commits) and
    bind this browser to it: the cookie, and the page token (``g.session_token``)."""
    config = app_config()
    work = db_work()
    row, token = sessions.new_row(
        signer(), user_id=principal.user_id, registration_id=principal.registration_id,
        deployment_id=principal.deployment_id, course_id=principal.course_id,
        role=principal.role.value, launch_id=principal.launch_id,
        lifetime=config.launch_lifetime_seconds)
    work.writer.execute(sessions.INSERT, row)
    bound = dataclasses.replace(principal, session_id=row["id"])
    g.principal = bound
    g.session_token = token
    g.session_carrier = "page"  # whether the browser keeps the cookie shows on its next request
    set_cookie(response, SESSION_COOKIE, token, max_age=config.launch_lifetime_seconds)
    return bound


def end_session(response: WerkzeugResponse) -> None:
    """Logout: the session ends wherever its token was, and the cookie goes."""
    principal = current_principal()
    if principal is not None and principal.session_id:
        work = db_work()
        sessions.end(work.writer, principal.session_id)
        work.commit()
    g.principal = None
    g.session_token = None
    set_cookie(response, SESSION_COOKIE, "", max_age=0)


_COOKIE_VALUE = re.compile(r"[A-Za-z0-9._\-]*")


def set_cookie(response: WerkzeugResponse, name: str, value: str, *, max_age: int) -> None:
    """A cookie that survives inside an LMS iframe where the browser allows it at all.

    Written as a header directly: our values are URL-safe tokens that need no quoting, and
    werkzeug's general cookie writer costs more than the rest of a login step.
    """
    if not _COOKIE_VALUE.fullmatch(value):
        raise ValueError("cookie values here are URL-safe tokens")
    if app_config().secure_cookies:
        # Partitioned (CHIPS) keeps the cookie when third-party cookies are blocked but
        # partitioned ones are allowed (Chrome); it needs Secure and SameSite=None.
        attributes = "Secure; HttpOnly; SameSite=None; Partitioned"
    else:
        attributes = "HttpOnly; SameSite=Lax"
    response.headers.add("Set-Cookie", f"{name}={value}; Max-Age={max_age}; Path=/; {attributes}")


F = TypeVar("F", bound=Callable[..., Any])


def from_our_own_page() -> bool:
    """The browser says this request came from one of Worklink's own pages (or says nothing).

    For the two posts that sign a window in (a session token or a one-time launch code in the
    body): another site that posts its own token there would sign the victim in as someone else.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is None or origin == app_config().base_url


def require(*roles: Role, course_param: str | None = "course_id") -> Callable[[F], F]:
    """Only these roles, and only in the course the session was launched from."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                abort(401)
            if roles and principal.role not in roles:
                abort(403)
            if course_param and course_param in kwargs and kwargs[course_param] != principal.course_id:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


POLICY = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
          "frame-ancestors *")


def style_nonce() -> str:
    """This answer's nonce for inline ``<style>`` elements, made when a page first asks for it.

    The rich-text editor (Trix) inserts ``<style>`` elements for its own elements and marks them
    with the nonce it reads from ``<meta name="trix-csp-nonce">``; the policy admits exactly that
    nonce, never 'unsafe-inline'. Every page names one (base.html), not only pages with an
    editor: in a cookieless frame ``static/session.js`` draws the next page into the same
    document, which keeps the policy of the frame's first page, and carries that page's nonce over.
    """
    nonce = g.get("style_nonce")
    if nonce is None:
        nonce = g.style_nonce = secrets.token_urlsafe(18)
    return str(nonce)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["style_nonce"] = style_nonce

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Links to other sites must not learn which course page (and task) a student came from.
        headers.setdefault("Referrer-Policy", "no-referrer")
        nonce = g.get("style_nonce")
        styles = f"; style-src 'self' 'nonce-{nonce}'" if nonce else ""
        headers.setdefault("Content-Security-Policy", POLICY + styles)
        if g.get("principal") is not None or g.get("session_token"):
            # A page drawn for someone (with its session token in it) is never kept by a shared
            # computer's browser cache or by a proxy.
            headers["Cache-Control"] = "no-store"
        if app_config().is_production:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
