"""Form tokens, checked by default: every unsafe request carries one unless its route is exempt.

A token is signed for :attr:`Purpose.FORM` and names the session that drew the form plus a
fresh nonce, so another site cannot post for the session, and a form that creates something can
be accepted once (:func:`once`). It comes in the ``csrf_token`` form field, or in the
``X-Worklink-CSRF`` header for script requests.

The check runs before every POST, PUT, PATCH and DELETE. A route opts out only by saying so:
:func:`exempt` on a view, :func:`exempt_blueprint` for a blueprint whose requests carry their
own proof (the LTI endpoints: the OIDC state and the platform's signature; the sandbox LMS).
A route someone forgets to protect is protected. A token that does not check out is refused
with the "form expired" page, or, for a form that can draw itself again as it was sent
(:func:`redrawn_when_expired`), with that form.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, request
from flask_babel import lazy_gettext
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response as WerkzeugResponse

from lti_tool.config import app_config
from lti_tool.security import current_principal, from_our_own_page
from lti_tool.signing import Purpose, signer
from lti_tool.web import FORM_EXPIRED

FIELD = "csrf_token"
HEADER = "X-Worklink-CSRF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_EXEMPT = "_worklink_csrf_exempt"
_REDRAWN = "_worklink_csrf_redrawn"

EXPIRED_REDRAWN = lazy_gettext("This form had expired, so nothing was saved. What you sent is "
                               "below: check it and send it again.")
"""Why a form drawn again by :func:`redrawn_when_expired` came back."""

F = TypeVar("F", bound=Callable[..., Any])


class FormExpired(Forbidden):
    """A form whose token does not check out: drawn too long ago, in a session that has since
    ended, or not by Worklink. Not a question of access (403's usual words), so each audience's
    error page says what it is, and how to go on (``web.FORM_EXPIRED``)."""

    kind = FORM_EXPIRED
    description = "The form's token is stale, from another session, or not Worklink's."


def exempt(view: F) -> F:
    """This view proves its requests some other way; say how in a comment where it is used."""
    setattr(view, _EXEMPT, True)
    return view


def exempt_blueprint(bp: Blueprint) -> Blueprint:
    setattr(bp, _EXEMPT, True)
    return bp


def redrawn_when_expired(redraw: Callable[..., Any]) -> Callable[[F], F]:
    """A form sent with a stale token comes back drawn again as it was sent, not as an error page.

    ``redraw(problem, **view_args)`` draws the form from ``request.form``, with ``problem``
    (:data:`EXPIRED_REDRAWN`) as its refusal, and a fresh token. The view itself never runs, so
    nothing is saved. Only for a request from one of Worklink's own pages, by someone signed in:
    another site's post still meets :class:`FormExpired` (a form of its choosing, drawn ready to
    send, is no answer to give it), and nobody signed in meets 401. Put it innermost, under
    ``@require`` and ``@once``, so the page is drawn only for whom the view would serve.
    Every form someone types in uses it; a form that is only a button (remove, copy, revoke)
    keeps the "form expired" page: nothing typed is lost, and the button is one click again.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.get("form_expired"):
                return redraw(str(EXPIRED_REDRAWN), *args, **kwargs)
            return view(*args, **kwargs)

        setattr(wrapped, _REDRAWN, True)  # functools.wraps carries it to the outer decorators
        return wrapped  # type: ignore[return-value]

    return decorator


def csrf_token() -> str:
    """A token for one form drawn for this session (a fresh nonce each call)."""
    principal = current_principal()
    if principal is None or not principal.session_id:
        return ""
    lifetime = app_config().launch_lifetime_seconds
    return signer().dumps(Purpose.FORM, [principal.session_id, secrets.token_urlsafe(12)],
                          max_age=lifetime)


def _is_exempt() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None:
        return True  # no such route: the 404 or 405 follows
    if getattr(view, _EXEMPT, False):
        return True
    bp = current_app.blueprints.get(request.blueprint or "")
    return bool(bp is not None and getattr(bp, _EXEMPT, False))


def _protect() -> None:
    if request.endpoint == "static" or _is_exempt():
        return
    # Who is asking is settled before the view runs, so that refreshing the session's last use
    # (a commit) never commits anything of the view's.
    principal = current_principal()
    if request.method in SAFE_METHODS:
        return
    if principal is None:
        abort(401)
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    value = signer().loads(Purpose.FORM, sent) if sent else None
    if not (isinstance(value, list) and len(value) == 2 and value[0] == principal.session_id
            and isinstance(value[1], str)):
        view = current_app.view_functions.get(request.endpoint or "")
        if getattr(view, _REDRAWN, False) and from_our_own_page():
            g.form_expired = True
            return
        raise FormExpired()
    g.form_nonce = value[1]


def once(view: F) -> F:
    """The form's token creates something once: a repeated POST creates nothing twice.

    The second submit of the same form (a double click, a reload that re-posts, a retry after a
    slow answer) is sent to what the first one made, or told it was already saved. A form the
    view refused (it answered with the form again) may be sent again once corrected.
    """

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonce = g.get("form_nonce")
        if request.method in SAFE_METHODS or nonce is None:
            return view(*args, **kwargs)
        from lti_tool.db import db_work
        from lti_tool.lti.services import lti_services

        store, work = lti_services().store, db_work()
        ttl = app_config().launch_lifetime_seconds
        claimed = store.add_once("form-used:" + nonce, ttl)
        work.commit()  # settled before the view writes, on whichever connection it writes
        if not claimed:
            done = store.get("form-done:" + nonce)
            if done is not None:
                return redirect(done["location"], 303)
            return render_template("already_saved.html"), 409
        response = view(*args, **kwargs)
        if isinstance(response, WerkzeugResponse) and response.status_code in (301, 302, 303):
            store.put("form-done:" + nonce, {"location": response.headers["Location"]}, ttl)
        elif _status(response) >= 400:
            store.take("form-used:" + nonce)  # refused: the corrected form may come again
        work.commit()
        return response

    return wrapped  # type: ignore[return-value]


def _status(response: Any) -> int:
    if isinstance(response, tuple):
        return int(response[1])
    return int(getattr(response, "status_code", 200))


def init_app(app: Flask) -> None:
    app.before_request(_protect)
    app.jinja_env.globals["csrf_token"] = csrf_token
