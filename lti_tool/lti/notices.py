"""The Platform Notification Service's notice handler: signed notices the platform posts to us.

Notices arrive outside any user's session, as JWTs signed with the platform's launch keys, one
or several in ``{"notices": [{"jwt": …}]}``. Each is checked as a launch token is (RS256, a
known kid, a known issuer and client, fresh ``iat``/``exp``, a known active deployment); a bad
one is refused with its reason and changes nothing. Canvas never resends a notice, so what a
valid one asks for is done before the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from lti_tool.config import app_config
from lti_tool.course_copy import copy_course_tasks
from lti_tool.db import db_session
from lti_tool.lti import validation
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.registrations import find_deployment, find_registration
from lti_tool.lti.services import lti_services
from lti_tool.lti.views import bp
from lti_tool.models import DeploymentStatus

log = logging.getLogger(__name__)
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
MAX_NOTICES = 100


@bp.post("/notices")
def notices() -> ResponseReturnValue:
    body = request.get_json(silent=True)
    tokens: list[Any] = []
    if isinstance(body, dict) and isinstance(body.get("notices"), list):
        tokens = [n.get("jwt") if isinstance(n, dict) else None for n in body["notices"]]
    elif isinstance(body, dict) and "jwt" in body:
        tokens = [body["jwt"]]
    if not tokens or len(tokens) > MAX_NOTICES:
        return jsonify(error="expected {\"notices\": [{\"jwt\": …}]} with 1 to 100 notices"), 400
    results = []
    for token in tokens:
        try:
            results.append(_handle(token if isinstance(token, str) else ""))
        except LaunchError as exc:
            log.warning("notice refused: %s (%s)", exc.code, exc.message)
            results.append({"error": exc.code, "message": exc.message})
    status = 200 if any("error" not in r for r in results) else 400
    return jsonify(results=results), status


def _handle(token: str) -> dict[str, Any]:
    parsed = validation.parse(token)
    kid = validation.check_header(parsed)
    payload = parsed.payload
    session = db_session()
    registration = find_registration(session, str(payload.get("iss")),
                                     validation.audience(payload))
    if registration is None:
        raise LaunchError("The notice comes from a platform Worklink is not registered with.",
                          code="unknown_registration")
    validation.verify_signature(parsed, lti_services().platform_keys, kid=kid,
                                key_set_url=registration.key_set_url, inline=registration.key_set)
    validation.check_times(payload, skew=app_config().clock_skew_seconds)
    deployment = find_deployment(session, registration, str(payload.get(LTI + "deployment_id")))
    if deployment is None or deployment.status is not DeploymentStatus.ACTIVE:
        raise LaunchError("The notice names a deployment that is unknown or not active.",
                          code="unknown_deployment")
    notice = payload.get(LTI + "notice")
    if not isinstance(notice, dict):
        notice = {}
    kind = notice.get("type")
    if kind == "LtiContextCopyNotice":
        context = payload.get(LTI + "context")
        origins = payload.get(LTI + "origin_contexts")
        if not isinstance(context, dict) or not isinstance(context.get("id"), str) \
                or not isinstance(origins, list) or not all(isinstance(o, str) for o in origins):
            raise LaunchError("A context copy notice needs the new context and its "
                              "origin_contexts.", code="bad_notice")
        copied = copy_course_tasks(session, deployment, context["id"], context.get("title"),
                                   origins)
        return {"notice": notice.get("id"), "type": kind, "tasks_copied": copied}
    if kind == "LtiHelloWorldNotice":
        return {"notice": notice.get("id"), "type": kind}
    raise LaunchError(f"Worklink does not handle notices of type {kind!r}.", code="unknown_notice")
