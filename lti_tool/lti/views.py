"""LTI endpoints: the OIDC login, the launch, and the Platform Storage completion step."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Blueprint, Response, make_response, render_template, request
from flask_babel import gettext

from lti_tool import csrf
from lti_tool.config import app_config
from lti_tool.db import db_session, db_work
from lti_tool.lti import oidc
from lti_tool.lti.deep_linking import DeepLinkingError, DeepLinkingRequest
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.launch import Launch
from lti_tool.lti.launched import Launched, land
from lti_tool.lti.provisioning import provision
from lti_tool.lti.services import lti_services
from lti_tool.security import Principal, bind_session, from_our_own_page, set_cookie
from lti_tool.web import error_page

bp = Blueprint("lti", __name__, url_prefix="/lti")
# Every LTI endpoint proves its requests itself (the OIDC state, a platform's signed JWT, the
# one-time tickets below), never with a Worklink form token: the platform posts them.
csrf.exempt_blueprint(bp)
log = logging.getLogger(__name__)

STATE_COOKIE = "wl_lti_state"
PENDING_TTL = 300
HANDOFF_TTL = 60
"""Seconds a new-window code lives: long enough to click, too short to be worth copying."""


@bp.errorhandler(LaunchError)
def _launch_error(error: LaunchError) -> Any:
    # A refused launch is logged with its code, so an admin can trace "it doesn't open" reports.
    log.warning("launch refused: %s (%s) from %s", error.code, error.message, request.remote_addr)
    body, status = error_page(error.status, error.message, hint=error.hint)
    response = make_response(body, status)
    response.headers["X-Worklink-Error"] = error.code
    return response


# The LTI endpoints need no form token: the OIDC state, the platform's signature and the
# one-time tickets below are their proof that the request belongs to this launch.
@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> Any:
    """OIDC third-party initiated login: step one of every launch."""
    services = lti_services()
    work = db_work()
    # Platforms send the login as a GET (Canvas, Moodle) or a form POST; the spec allows both.
    # A POST may carry some of it in the query too, so it reads both; a GET needs no form parse.
    params = (request.values if request.method == "POST" else request.args).to_dict()
    start = oidc.begin_login(work, services.store, services.directory, app_config(), params)
    work.commit()
    if start.storage_target:
        # Platform Storage: the page stores the state in the platform's frame, then continues.
        response = make_response(render_template(
            "lti/platform_storage_put.html", redirect_url=start.url, state=start.state,
            target=start.storage_target, origin=start.platform_origin))
    else:
        # A bare 302: the browser follows it at once, nobody reads a body.
        response = Response(status=302, headers={"Location": start.url})
    set_cookie(response, STATE_COOKIE, start.state, max_age=oidc.STATE_TTL)
    return response


@bp.route("/launch", methods=["POST"])
@csrf.exempt
def launch() -> Any:
    """The platform posts the signed id_token here (the tool's redirect URI)."""
    services = lti_services()
    state = request.form.get("state", "")
    # One transaction: the state is consumed only if the launch succeeds (or is sent on to the
    # Platform Storage check); a refused launch leaves nothing behind.
    validated = oidc.validate_launch(db_work(), services.store, services.platform_keys,
                                     services.directory, app_config(),
                                     id_token=request.form.get("id_token", ""), state=state)
    if request.cookies.get(STATE_COOKIE) == state:
        return _complete(validated.launch)
    # No cookie came back (third-party cookies blocked). The launch is valid but this frame
    # cannot prove it is the browser that started the login, so it is held for a moment:
    ticket = _hold(validated.launch, state)
    # ... for the new window, which completes it with a one-time code (the platform's login is
    # never repeated: Moodle consumes its launch id on first use, so a second login dead-ends)
    code = _handoff_code(ticket)
    db_work().commit()
    handback = _deep_link_return_url(validated.launch)
    if validated.state.get("storage_target"):
        # ... and for Platform Storage: the page reads the state back from the platform's frame.
        return render_template("lti/platform_storage_get.html", ticket=ticket, state=state,
                               target=validated.state["storage_target"],
                               origin=oidc._origin(_auth_url(validated.launch)), code=code,
                               deep_link_return_url=handback)
    return render_template("lti/cookies_blocked.html", code=code, deep_link_return_url=handback), 200


@bp.route("/launch/complete", methods=["POST"])
@csrf.exempt
def complete() -> Any:
    """Second half of a Platform Storage launch, once the page found the state in the platform."""
    services = lti_services()
    pending = services.store.take("pending:" + request.form.get("ticket", ""))
    db_work().commit()  # a wrong guess burns the ticket: no second try
    if pending is None or not secrets.compare_digest(pending["state"], request.form.get("state", "")):
        raise LaunchError(gettext("This launch could not be confirmed as coming from your browser."),
                          code="storage_mismatch", status=400,
                          hint=gettext("Open Worklink again from your course."))
    return _complete(_held_launch(pending))


@bp.route("/launch/window", methods=["POST"])
@csrf.exempt
def continue_in_window() -> Any:
    """The new window's half of a launch the course frame could not keep: spends the code once."""
    if not from_our_own_page():
        raise LaunchError(gettext("This launch can only be continued from Worklink's own page."),
                          code="handoff_elsewhere", status=403)
    store = lti_services().store
    handoff = store.take("handoff:" + request.form.get("code", ""))
    pending = store.take("pending:" + handoff["ticket"]) if handoff else None
    db_work().commit()
    if pending is None:
        raise LaunchError(gettext("This link to open Worklink in a new window has expired or was "
                                  "already used."), code="handoff_expired", status=400,
                          hint=gettext("Open Worklink again from your course."))
    return _complete(_held_launch(pending))


def _deep_link_return_url(launch: Launch) -> str | None:
    """Where this frame posts a picker's answer that the new window hands back to it.

    Moodle reads a deep-linking answer only inside the frame that asked for it (its return page
    calls ``parent.processContentItemReturnData``): posted from the new window, the teacher sees
    "added" there while the activity form stays empty.
    """
    if not launch.is_deep_linking:
        return None
    try:
        return DeepLinkingRequest.from_launch(launch).return_url
    except DeepLinkingError:
        return None  # the picker says what is wrong with the request once the launch goes on


def _hold(launch: Launch, state: str) -> str:
    ticket = secrets.token_urlsafe(24)
    lti_services().store.put("pending:" + ticket, {
        "claims": launch.claims, "state": state, "launch_id": launch.launch_id,
        "registration_id": launch.registration_id,
        "deployment_pk": launch.deployment_pk, "client_id": launch.client_id,
    }, PENDING_TTL)
    return ticket


def _handoff_code(ticket: str) -> str:
    code = secrets.token_urlsafe(24)
    lti_services().store.put("handoff:" + code, {"ticket": ticket}, HANDOFF_TTL)
    return code


def _held_launch(pending: dict[str, Any]) -> Launch:
    return Launch.from_claims(pending["claims"], launch_id=pending["launch_id"],
                              registration_id=pending["registration_id"],
                              deployment_pk=pending["deployment_pk"], client_id=pending["client_id"])


def _complete(launch: Launch) -> Response:
    work = db_work()
    services = lti_services()
    provisioned = provision(work, launch, services.provisioning)
    if launch.is_deep_linking:
        # The picker answers this request later, from another request: its claims stay
        # server-side under the launch id the session is bound to. A resource-link launch
        # needs no such copy: what later requests use (the course, the link, the grade and
        # roster endpoints) was just provisioned into the database.
        services.store.put("launch:" + launch.launch_id, launch.claims,
                           app_config().launch_lifetime_seconds)
    principal = Principal(provisioned.user_id, launch.registration_id, provisioned.course_id,
                          launch.role, launch.launch_id, deployment_id=launch.deployment_pk)
    response = Response()
    principal = bind_session(response, principal)
    work.commit()
    body, status = land(work.connection, Launched(launch, principal, provisioned))
    response.set_data(body)
    response.status_code = status
    return response


def _auth_url(launch: Launch) -> str:
    from lti_tool.models import Registration

    registration = db_session().get(Registration, launch.registration_id)  # rare path: ORM is fine
    assert registration is not None
    return registration.auth_login_url
