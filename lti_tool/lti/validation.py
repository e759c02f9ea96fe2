"""Validate an LTI 1.3 id_token at the level of the 1EdTech certification.

Written here rather than taken from pylti1p3 because pylti1p3 lets known-bad launches through
(it never checks ``azp``, takes ``aud[0]`` as the client id, never consumes the nonce, answers an
unknown issuer with a bare ``Exception``) and spends most of a launch re-parsing keys. Each check
raises :class:`LaunchError` with a message that names what was wrong.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import json
import time
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from flask_babel import gettext

from lti_tool.lti import claims as c
from lti_tool.lti.errors import LaunchError
from lti_tool.lti.platform_keys import PlatformKeys

MAX_TOKEN_BYTES = 64 * 1024


@dataclasses.dataclass(frozen=True)
class UnverifiedToken:
    header: dict[str, Any]
    payload: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @property
    def issuer(self) -> str:
        return self.payload["iss"]  # type: ignore[no-any-return]


def _b64decode(part: str, what: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise LaunchError(f"The id_token's {what} is not base64url.", code="not_a_jwt") from None


def parse(token: str) -> UnverifiedToken:
    """Split and decode without trusting anything yet."""
    if not token:
        raise LaunchError("The launch carries no id_token.", code="missing_id_token", status=400)
    if len(token) > MAX_TOKEN_BYTES:
        raise LaunchError("The id_token is implausibly large.", code="not_a_jwt", status=400)
    parts = token.split(".")
    if len(parts) != 3:
        raise LaunchError("The id_token is not a JWT (it must have three dot-separated parts).",
                          code="not_a_jwt")
    try:
        header = json.loads(_b64decode(parts[0], "header"))
        payload = json.loads(_b64decode(parts[1], "payload"))
    except ValueError:
        raise LaunchError("The id_token's header or payload is not JSON.", code="not_a_jwt") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise LaunchError("The id_token's header and payload must be JSON objects.", code="not_a_jwt")
    return UnverifiedToken(header, payload, f"{parts[0]}.{parts[1]}".encode(),
                           _b64decode(parts[2], "signature"))


def check_header(token: UnverifiedToken) -> str:
    alg = token.header.get("alg")
    if alg != "RS256":
        # alg "none" and HS256 keyed with the platform's public key are classic forgeries.
        raise LaunchError(f"The id_token is signed with {alg!r}; LTI 1.3 launches must use RS256.",
                          code="bad_alg")
    kid = token.header.get("kid")
    if not kid or not isinstance(kid, str):
        raise LaunchError("The id_token header has no key id (kid).", code="missing_kid")
    return kid


def audience(payload: dict[str, Any]) -> str:
    """The client id this token is for, applying the OIDC rules for several audiences."""
    aud = payload.get("aud")
    azp = payload.get("azp")
    if isinstance(aud, str) and aud:
        if azp is not None and azp != aud:
            raise LaunchError("The id_token's azp does not match its audience.", code="bad_azp")
        return aud
    if isinstance(aud, list) and aud and all(isinstance(a, str) for a in aud):
        if len(aud) == 1 and azp is None:
            return str(aud[0])
        if not isinstance(azp, str) or azp not in aud:
            raise LaunchError("The id_token names several audiences but no authorized party (azp) "
                              "among them.", code="bad_azp")
        return azp
    raise LaunchError("The id_token has no audience (aud).", code="missing_aud")


def verify_signature(token: UnverifiedToken, keys: PlatformKeys, *, kid: str,
                     key_set_url: str | None, inline: dict[str, Any] | None) -> None:
    key = keys.key_for(kid=kid, key_set_url=key_set_url, inline=inline)
    try:
        key.verify(token.signature, token.signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise LaunchError("The id_token's signature does not verify with the platform's key.",
                          code="bad_signature") from None


def check_times(payload: dict[str, Any], *, skew: int, now: float | None = None) -> None:
    now = time.time() if now is None else now
    exp, iat = payload.get("exp"), payload.get("iat")
    for name, value in (("exp", exp), ("iat", iat)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise LaunchError(f"The id_token's {name} claim is missing or not a number.",
                              code=f"bad_{name}")
    assert isinstance(exp, (int, float)) and isinstance(iat, (int, float))
    if exp <= now - skew:
        raise LaunchError("The id_token has expired (exp is in the past).", code="bad_exp",
                          hint=gettext("Check that the platform's clock is right, then launch again."))
    if iat > now + skew:
        raise LaunchError("The id_token was issued in the future (iat).", code="bad_iat",
                          hint=gettext("Check that the platform's clock is right, then launch again."))
    if exp <= iat:
        raise LaunchError("The id_token expires before it was issued.", code="bad_exp")
    nbf = payload.get("nbf")
    if isinstance(nbf, (int, float)) and nbf > now + skew:
        raise LaunchError("The id_token is not valid yet (nbf).", code="bad_nbf")


def check_lti_claims(payload: dict[str, Any], *, allow_anonymous: bool) -> str:
    """The LTI message's own required claims; returns the message type."""
    version = payload.get(c.VERSION)
    if version is None:
        raise LaunchError("The launch has no LTI version claim.", code="missing_version")
    if version != "1.3.0":
        raise LaunchError(f"The launch says LTI version {version!r}; Worklink speaks LTI 1.3.0.",
                          code="bad_version")
    message_type = payload.get(c.MESSAGE_TYPE)
    if not message_type:
        raise LaunchError("The launch has no message_type claim.", code="missing_message_type")
    if message_type not in c.MESSAGE_TYPES:
        raise LaunchError(f"Worklink does not handle {message_type!r} messages.",
                          code="bad_message_type")
    if not payload.get(c.DEPLOYMENT_ID) or not isinstance(payload.get(c.DEPLOYMENT_ID), str):
        raise LaunchError("The launch has no deployment_id claim.", code="missing_deployment_id")
    if c.ROLES not in payload:
        raise LaunchError("The launch has no roles claim (an empty list is fine, a missing claim "
                          "is not).", code="missing_roles")
    roles = payload[c.ROLES]
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise LaunchError("The launch's roles claim must be a list of strings.", code="bad_roles")
    sub = payload.get("sub")
    if sub is None or sub == "":
        if not allow_anonymous:
            raise LaunchError("The launch has no user (sub); anonymous launches are turned off.",
                              code="missing_sub")
    elif not isinstance(sub, str):
        raise LaunchError("The launch's sub claim must be a string.", code="bad_sub")
    if not payload.get(c.TARGET_LINK_URI):
        raise LaunchError("The launch has no target_link_uri claim.", code="missing_target_link_uri")
    if message_type == c.RESOURCE_LINK_REQUEST:
        link = payload.get(c.RESOURCE_LINK)
        if not isinstance(link, dict) or not link.get("id"):
            raise LaunchError("The launch has no resource_link id.", code="missing_resource_link")
    else:
        settings = payload.get(c.DEEP_LINKING_SETTINGS)
        if not isinstance(settings, dict) or not settings.get("deep_link_return_url"):
            raise LaunchError("The deep-linking launch has no deep_link_return_url.",
                              code="missing_deep_linking_settings")
    context = payload.get(c.CONTEXT)
    if context is not None and (not isinstance(context, dict) or not context.get("id")):
        raise LaunchError("The launch's context claim has no id.", code="bad_context")
    return str(message_type)
