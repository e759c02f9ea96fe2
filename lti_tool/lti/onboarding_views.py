"""Install endpoints: the tool's JWKS, Dynamic Registration, the Canvas JSON configuration."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, jsonify, make_response, render_template, request
from flask_babel import gettext

from lti_tool.config import app_config
from lti_tool.csrf import exempt_blueprint
from lti_tool.db import db_session, db_work
from lti_tool.lti.canvas_config import canvas_configuration
from lti_tool.lti.dynamic_registration import register
from lti_tool.lti.errors import DynamicRegistrationError
from lti_tool.lti.keys import public_jwks
from lti_tool.lti.services import lti_services
from lti_tool.rate_limit import RateLimit
from lti_tool.web import error_page

bp = Blueprint("onboarding", __name__, url_prefix="/lti")
# Install endpoints answer platforms and anonymous admins: Dynamic Registration carries its own
# one-time registration token, and there is no Worklink session to tie a form to.
exempt_blueprint(bp)

CLOSE_AFTER_SECONDS = 15
"""The registration dialog stays this long (with a visible countdown) before it asks the LMS
to close it: long enough to read what happened, and to keep it open."""

REGISTRATIONS_PER_CLIENT = 10
REGISTRATION_WINDOW_SECONDS = 600
"""An LMS admin registers once, maybe again after a mistake; anything more is someone using
the anonymous page to make Worklink fetch URLs for them."""


@bp.get("/jwks.json")
def jwks() -> Response:
    """The tool's public keys: current, next, and retired ones still inside the overlap."""
    response = jsonify(public_jwks(db_session()))
    # The next key is published a whole rotation ahead, so an hour of caching never hides
    # the key that signs.
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/canvas.json")
def canvas_json() -> Response:
    """The developer key configuration Canvas reads by URL ("Enter URL")."""
    response = jsonify(canvas_configuration(app_config()))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/register")
def dynamic_registration() -> Response | tuple[str, int]:
    """LTI Dynamic Registration, opened by the LMS in a dialog or an iframe."""
    configuration_url = request.args.get("openid_configuration", "").strip()
    if not configuration_url:
        return error_page(
            400, gettext("This address installs Worklink from an LMS: it needs the platform's "
                         "openid_configuration parameter."),
            title=gettext("Open this address from your LMS"),
            hint=gettext("Moodle: Site administration → Plugins → External tool → Manage tools → "
                         "Tool URL. Canvas: Admin → Developer Keys → + Developer Key → LTI "
                         "Registration."),
        )
    limit = RateLimit(lti_services().store, "register", limit=REGISTRATIONS_PER_CLIENT,
                      window=REGISTRATION_WINDOW_SECONDS)
    allowed = limit.allow(request.remote_addr or "unknown")
    db_work().commit()  # the count holds whatever happens next
    if not allowed:
        body, status = error_page(
            429, "This address has started too many registrations in the last few minutes.",
            title="Too many registrations", hint="Wait a few minutes, then start again from the LMS.")
        response = make_response(body, status)
        response.headers["Retry-After"] = str(limit.retry_after())
        return response
    try:
        outcome = register(db_session(), app_config(), lti_services().outbound, configuration_url,
                           request.args.get("registration_token") or None)
    except DynamicRegistrationError as exc:
        return error_page(exc.status, str(exc), title=gettext("Worklink could not be registered"),
                          hint=exc.hint)
    # A second client_id for an issuer already cached (hosted Canvas) must launch at once.
    lti_services().directory.forget()
    nonce = secrets.token_urlsafe(16)
    response = make_response(render_template(
        "onboarding/registered.html", outcome=outcome, script_nonce=nonce,
        close_after=CLOSE_AFTER_SECONDS,
        pending_policy=app_config().unknown_deployment_policy.value == "pending",
    ))
    # The only inline script Worklink serves: it tells the LMS to close the dialog.
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'nonce-{nonce}'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; frame-ancestors *"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
