"""``/session``: sign out, and carry a session into a new window without putting it in a URL."""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, redirect, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response as WerkzeugResponse

from lti_tool import csrf
from lti_tool.db import db_work
from lti_tool.security import (
    SESSION_FIELD,
    bind_session,
    current_principal,
    end_session,
    from_our_own_page,
)

bp = Blueprint("session", __name__, url_prefix="/session")


@bp.post("/logout")
def logout() -> Response:
    """End this session wherever its token is (the form token proves the page asked)."""
    response = make_response(render_template("signed_out.html"))
    end_session(response)
    return response


@bp.post("/window")
@csrf.exempt  # the session token itself is in the body, which another site cannot know
def window() -> WerkzeugResponse:
    """A link opened in a new window from a frame that keeps no cookie.

    The new window is first-party: the cookie jar of the course frame (partitioned by the LMS's
    site, or refused) is not its own, so the page's script posts the session token here, in the
    body. The window gets a session of its own (same person, course and launch; ended with the
    first by an operator's revocation) and its own cookie, then goes where the link pointed.
    """
    if not from_our_own_page():
        abort(403, gettext("A new window opens only from a Worklink page."))
    if not request.form.get(SESSION_FIELD):
        abort(401)
    principal = current_principal()  # reads the body's token before any cookie
    if principal is None:
        abort(401)
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        abort(400, gettext("A new window opens Worklink's own pages only."))
    response = redirect(target, 303)
    bind_session(response, principal)
    db_work().commit()
    return response
