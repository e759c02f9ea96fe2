"""``/sandbox/token``: OAuth2 client credentials with a JWT client assertion, and bearer checks.

``lti1p3platform`` verifies the assertion's signature against the tool's keys and issues the
access token; it does not check the assertion's iss, sub, aud or jti, so that happens here
(the 1EdTech Security Framework requires all four).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import jwt
from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from lti1p3platform.exceptions import LtiException

from lti_tool.sandbox.blueprint import bp
from lti_tool.sandbox.platform import AGS_SCOPES, NRPS_SCOPE, sandbox
from lti_tool.sandbox.store import remember_token_id
from lti_tool.sandbox.tool_keys import ToolKeysUnavailable

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
SUPPORTED_SCOPES = frozenset((*AGS_SCOPES, NRPS_SCOPE))


def oauth_error(status: int, code: str, description: str) -> ResponseReturnValue:
    response = jsonify(error=code, error_description=description)
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.post("/token")
def token() -> ResponseReturnValue:
    sb = sandbox()
    form = request.form
    for name in ("grant_type", "client_assertion_type", "client_assertion", "scope"):
        if not form.get(name):
            return oauth_error(400, "invalid_request", f"{name} is required")
    if form["grant_type"] != "client_credentials":
        return oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
    if form["client_assertion_type"] != JWT_BEARER:
        return oauth_error(400, "invalid_request", f"client_assertion_type must be {JWT_BEARER}")
    try:
        platform = sb.platform(with_tool_keys=True)
    except ToolKeysUnavailable as exc:
        return oauth_error(503, "temporarily_unavailable", str(exc))
    try:
        claims = platform.tool_validate_and_decode(form["client_assertion"])
    except (LtiException, jwt.PyJWTError) as exc:
        return oauth_error(401, "invalid_client", f"the client assertion is not valid: {exc}")
    problem = _assertion_problem(claims, sb.settings.client_id, sb.settings.token_url)
    if problem:
        return oauth_error(401, "invalid_client", problem)
    with sb.store.begin() as conn:
        if not remember_token_id(conn, f"jti:{claims['jti']}", float(claims["exp"])):
            return oauth_error(401, "invalid_client", "the client assertion was already used (jti)")
    requested = form["scope"].split()
    if not SUPPORTED_SCOPES.intersection(requested):
        return oauth_error(400, "invalid_scope", "none of the requested scopes is offered")
    granted = platform.get_access_token(form.to_dict())
    response = jsonify(granted)
    response.headers["Cache-Control"] = "no-store"
    return response


def _assertion_problem(claims: dict[str, Any], client_id: str, token_url: str) -> str | None:
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        return "iss and sub must both be the tool's client_id"
    aud = claims.get("aud")
    if token_url not in (aud if isinstance(aud, list) else [aud]):
        return f"aud must name the token endpoint {token_url}"
    if not isinstance(claims.get("exp"), (int, float)):
        return "exp is required"
    if not isinstance(claims.get("jti"), str) or not claims["jti"]:
        return "jti is required"
    return None


F = TypeVar("F", bound=Callable[..., Any])


def require_scope(*scopes: str) -> Callable[[F], F]:
    """Only a bearer token the sandbox issued, carrying one of these scopes."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            parts = request.headers.get("Authorization", "").split()
            if len(parts) != 2 or parts[0].lower() != "bearer":
                return _unauthorized("a bearer access token is required")
            platform = sandbox().platform()
            try:
                allowed = platform.validate_token(parts[1], list(scopes))
            except (LtiException, jwt.PyJWTError) as exc:
                return _unauthorized(f"the access token is not valid: {exc}")
            if not allowed:
                return oauth_error(403, "insufficient_scope", "needs one of: " + " ".join(scopes))
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _unauthorized(description: str) -> Response:
    response = jsonify(error="invalid_token", error_description=description)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response
