"""Who is asking: the session bound to an LTI launch, and the checks every page makes.

A launch inside an LMS iframe often cannot keep a cookie (third-party cookies are blocked by
Safari and, increasingly, Chrome). So the session is a short signed token bound to one launch
(user, course, role). It travels in a partitioned cookie when the browser keeps one, and in
every link and form Worklink renders (``_wl``) when it does not. Nothing else about the launch
is in it; the launch itself stays server-side.
"""

from __future__ import annotations

import base64
import dataclasses
import enum
import functools
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, abort, current_app, g, request

SESSION_COOKIE = "wl_session"
SESSION_PARAM = "_wl"
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

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


class SessionTokens:
    """Signed, timestamped session tokens: ``<payload>.<HMAC-SHA256>``, both base64url.

    One is issued on every launch and read on every page, so it is kept to what it needs: a
    compact JSON payload and one HMAC, with a key derived once (itsdangerous re-derives its key
    and tries zlib on every token, several times the cost of the rest of this).
    """

    VERSION = 1

    def __init__(self, secret_key: str) -> None:
        self.secret_key = secret_key
        self._key = hmac.new(secret_key.encode(), b"worklink-session-token", hashlib.sha256).digest()

    def _sign(self, body: bytes) -> bytes:
        return base64.urlsafe_b64encode(hmac.new(self._key, body, hashlib.sha256).digest()).rstrip(b"=")

    def issue(self, principal: Principal, *, now: float | None = None) -> str:
        p = principal
        issued = int(time.time() if now is None else now)
        payload = json.dumps([self.VERSION, issued, p.user_id, p.registration_id, p.course_id,
                              p.role.value, p.launch_id], separators=(",", ":")).encode()
        body = base64.urlsafe_b64encode(payload).rstrip(b"=")
        return (body + b"." + self._sign(body)).decode()

    def read(self, token: str, max_age: int, *, now: float | None = None) -> Principal | None:
        body, _, signature = token.encode("ascii", "replace").partition(b".")
        if not hmac.compare_digest(signature, self._sign(body)):
            return None
        try:
            version, issued, user_id, registration_id, course_id, role, launch_id = json.loads(
                base64.urlsafe_b64decode(body + b"=" * (-len(body) % 4)))
            if version != self.VERSION or not isinstance(issued, int):
                return None
            if (time.time() if now is None else now) - issued > max_age:
                return None
            return Principal(user_id, registration_id, course_id, Role(role), launch_id)
        except (ValueError, TypeError):
            return None


def _tokens() -> SessionTokens:
    secret = current_app.config["SECRET_KEY"]
    tokens: SessionTokens | None = current_app.extensions.get("worklink.session_tokens")
    if tokens is None or tokens.secret_key != secret:  # a test may rotate the key
        tokens = current_app.extensions["worklink.session_tokens"] = SessionTokens(secret)
    return tokens


def issue_token(principal: Principal) -> str:
    return _tokens().issue(principal)


def read_token(token: str, max_age: int) -> Principal | None:
    return _tokens().read(token, max_age)


def current_principal() -> Principal | None:
    if "principal" in g:
        return g.principal  # type: ignore[no-any-return]
    from lti_tool.config import app_config

    token = (
        request.headers.get(SESSION_HEADER)
        or request.values.get(SESSION_PARAM)
        or request.cookies.get(SESSION_COOKIE)
    )
    principal = read_token(token, app_config().launch_lifetime_seconds) if token else None
    g.principal = principal
    g.session_token = token if principal else None
    return principal


def bind_session(response: Response, principal: Principal) -> str:
    """Bind the browser to this launch: a partitioned cookie plus a token for links."""
    from lti_tool.config import app_config

    token = issue_token(principal)
    g.principal = principal
    g.session_token = token
    set_cookie(response, SESSION_COOKIE, token, max_age=app_config().launch_lifetime_seconds)
    return token


_COOKIE_VALUE = re.compile(r"[A-Za-z0-9._\-]*")


def set_cookie(response: Response, name: str, value: str, *, max_age: int) -> None:
    """A cookie that survives inside an LMS iframe where the browser allows it at all.

    Written as a header directly: our values are URL-safe tokens that need no quoting, and
    werkzeug's general cookie writer costs more than the rest of a login step.
    """
    from lti_tool.config import app_config

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


def init_app(app: Flask) -> None:
    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        # Session tokens ride in URLs when cookies are blocked: never leak them in Referer.
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors *",
        )
        return response
