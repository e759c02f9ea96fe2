"""``/sandbox/auth``: the platform's OIDC authorization endpoint, answering the tool's login step.

It checks the authentication request as the LTI 1.3 security framework asks, builds the
id_token for the signed-in person with ``lti1p3platform`` and posts it to the tool.
"""

from __future__ import annotations

import time
from typing import Any

from flask import request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.engine import Connection, Row

from lti_tool.sandbox import gradebook
from lti_tool.sandbox.blueprint import bp
from lti_tool.sandbox.pages import error, person_from_hint, signed_in, the_course
from lti_tool.sandbox.platform import (
    COURSE_OFFERING,
    ROLE_URIS,
    Sandbox,
    SandboxLaunch,
    flask_request,
    read_message_hint,
    sandbox,
)
from lti_tool.sandbox.store import custom_params, deep_link_request, placement, remember_token_id

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
# Fixed answers the LTI 1.3 security framework requires of the tool's authentication request.
REQUIRED_AUTH_PARAMS = {"scope": "openid", "response_type": "id_token",
                        "response_mode": "form_post", "prompt": "none"}


@bp.route("/auth", methods=["GET", "POST"])
def auth() -> ResponseReturnValue:
    sb = sandbox()
    params = request.values
    for name, expected in REQUIRED_AUTH_PARAMS.items():
        if params.get(name) != expected:
            return error(400, "Bad authentication request", f"{name} must be {expected!r}, "
                         f"got {params.get(name)!r}.")
    if params.get("client_id") != sb.settings.client_id:
        return error(400, "Unknown tool", f"client_id {params.get('client_id')!r} is not registered.")
    # Never post an id_token anywhere but the tool's registered redirect URI.
    if params.get("redirect_uri") != sb.settings.tool_launch_url:
        return error(400, "Unregistered redirect URI",
                     f"{params.get('redirect_uri')!r} is not {sb.settings.tool_launch_url}.")
    for name in ("state", "nonce", "login_hint", "lti_message_hint"):
        if not params.get(name):
            return error(400, "Bad authentication request", f"{name} is missing.")
    hint = read_message_hint(params["lti_message_hint"])
    if hint is None:
        return error(400, "Bad authentication request", "lti_message_hint was not issued here.")
    with sb.store.begin() as conn:
        if not remember_token_id(conn, "message-hint:" + str(hint.get("once")), time.time() + 86_400):
            # Moodle answers a second login with the same launch id just so: "Invalid request".
            return error(400, "Invalid request", "This launch was already used; open the link "
                         "again from the course.")
    with sb.store.read() as conn:
        # Inside a cross-site course frame the browser withholds the sandbox's own sign-in
        # cookie; the signed message hint, issued by the course page to the signed-in person,
        # says who it is (a real LMS would use its own session on its OIDC domain).
        me = signed_in(conn) or person_from_hint(conn, hint)
        if me is None:
            return error(401, "Sign in first", "Choose who you are on the sandbox home page.")
        if params["login_hint"] != me.sub:
            return error(403, "Someone else is signed in",
                         "The launch was started for another person; open it again.")
        the = the_course(conn)
        message = SandboxLaunch(flask_request(), sb.platform())
        _add_person_and_course(message, sb, me, the, conn)
        if hint.get("kind") == "deep_link":
            problem = _add_deep_linking(message, sb, conn, hint.get("data"), me)
        else:
            problem = _add_resource_link(message, sb, conn, hint.get("placement"), the)
    if problem:
        return error(400, "Cannot launch", problem)
    return message.lti_launch()  # type: ignore[no-any-return]


def _add_person_and_course(message: SandboxLaunch, sb: Sandbox, me: Row[Any], the: Row[Any],
                           conn: Connection) -> None:
    message.set_user_data(me.sub, [ROLE_URIS[me.role]], me.name, me.email)
    message.set_launch_context_claim(the.context_id, [COURSE_OFFERING], the.title, the.label)
    message.set_launch_presentation_claim("iframe", return_url=sb.settings.url("/"))
    message.set_nrps(sb.settings.url(f"/courses/{the.id}/memberships"))
    message.set_extra_claims({
        "given_name": me.given_name,
        "family_name": me.family_name,
        "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
            "guid": sb.settings.issuer, "name": "Sandbox LMS",
            "product_family_code": "worklink-sandbox", "version": "1",
        },
    })


def _add_resource_link(message: SandboxLaunch, sb: Sandbox, conn: Connection,
                       placement_id: Any, the: Row[Any]) -> str | None:
    link = conn.execute(select(placement).where(placement.c.id == placement_id)).first()
    if link is None:
        return "This link is not in the course any more."
    message.set_resource_link_claim(link.resource_link_id, link.text or None, link.title)
    message.set_custom_parameters_claim(custom_params(link))
    if link.url:
        message.set_launch_url(link.url)
    columns = gradebook.lineitems(conn, the.id, resource_link_id=link.resource_link_id)
    lineitems_url = sb.settings.url(f"/courses/{the.id}/lineitems")
    message.set_ags(
        lineitems_url=lineitems_url,
        # A link with exactly one column gets its URL, as Canvas and Moodle send it.
        lineitem_url=f"{lineitems_url}/{columns[0].id}" if len(columns) == 1 else None,
        allow_creating_lineitems=True, results_service_enabled=True,
        scores_service_enabled=True,
    )
    return None


def _add_deep_linking(message: SandboxLaunch, sb: Sandbox, conn: Connection, data: Any,
                      me: Row[Any]) -> str | None:
    pending = conn.execute(
        select(deep_link_request).where(deep_link_request.c.data == data)
    ).first()
    if pending is None or pending.answered or pending.person_id != me.id:
        return "This content request is finished or belongs to someone else; start it again."
    message.set_ags(lineitems_url=sb.settings.url(f"/courses/{pending.course_id}/lineitems"),
                    allow_creating_lineitems=True)
    message.set_dl(sb.settings.url("/deep-link-return"), title="Add Worklink content",
                   accept_types={"ltiResourceLink"})
    # lti1p3platform fixes the targets, adds auto_create and sends `data` as an object; the
    # Deep Linking spec says `data` is an opaque string the tool must echo back unchanged.
    settings: dict[str, Any] = message._deep_linking_launch_data[DL_SETTINGS]  # type: ignore[index]
    settings.pop("auto_create", None)
    settings.update({
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
        "accept_multiple": True,
        "accept_lineitem": True,
        "data": pending.data,
    })
    return None
