"""Employer link tokens: JWTs signed with the tenant's own employer-link key.

Each tenant (platform registration) has its own key pair of purpose
``employer-link:<registration id>``, kept and rotated like the LTI keys
(:mod:`lti_tool.lti.keys`) and never published. The token names its link's ``jti``; the
database row decides whether the link still works (:mod:`competencies.partners.links`).

A token is refused, each with its own reason, when it is not a JWT or its signature or claims do
not hold (tampered), when it has expired, when the key that signed it belongs to another tenant
than the one the token names, or when its record says revoked.
"""

from __future__ import annotations

import dataclasses
import enum
import threading
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.partners import links
from competencies.partners.links import EmployerLink, LinkState
from lti_tool.lti import keys
from lti_tool.models import ToolKey

AUDIENCE = "worklink-employer-link"
PURPOSE_PREFIX = "employer-link:"
REQUIRED = ("jti", "exp", "iat", "tnt", "plc", "sup")


class Refusal(enum.StrEnum):
    TAMPERED = "tampered"
    EXPIRED = "expired"
    REVOKED = "revoked"
    OTHER_TENANT = "other_tenant"


@dataclasses.dataclass(frozen=True)
class Verified:
    link: EmployerLink
    state: LinkState


class LinkRefused(Exception):
    def __init__(self, reason: Refusal, link: EmployerLink | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.link = link


def purpose_for(registration_id: int) -> str:
    return f"{PURPOSE_PREFIX}{registration_id}"


def sign(session: Session, link: EmployerLink, issuer: str) -> str:
    """The token for ``link``: the same claims always give the same token (RS256 is
    deterministic), so it can be shown again or put in a mail later without being stored."""
    key = keys.signing_key(session, purpose_for(link.registration_id))
    claims = {"iss": issuer, "aud": AUDIENCE, "jti": link.jti, "tnt": link.registration_id,
              "plc": link.placement_id, "sup": link.supervisor_id,
              "iat": int(link.issued_at.timestamp()), "exp": int(link.expires_at.timestamp())}
    return jwt.encode(claims, key.private_key, algorithm=keys.ALGORITHM,
                      headers={"kid": key.kid})


def verify(session: Session, token: str, issuer: str) -> Verified:
    """The link a token stands for and its state, or :class:`LinkRefused` with the reason."""
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise LinkRefused(Refusal.TAMPERED) from None
    found = _public_key(session, kid) if isinstance(kid, str) else None
    if found is None:
        raise LinkRefused(Refusal.TAMPERED)
    public_key, key_tenant = found
    try:
        claims = _claims(token, public_key, issuer)
    except jwt.ExpiredSignatureError:
        # Signed by this tenant's key and out of time: the link it names still says whose it is,
        # so its page can speak the supervisor's language, as the revoked one's does.
        try:
            named = _named_link(session, _claims(token, public_key, issuer, expired=True),
                                key_tenant)
        except (jwt.PyJWTError, LinkRefused):
            named = None
        raise LinkRefused(Refusal.EXPIRED, named) from None
    except jwt.PyJWTError:
        raise LinkRefused(Refusal.TAMPERED) from None
    link = _named_link(session, claims, key_tenant)
    state = links.state(link)
    if state is LinkState.REVOKED:
        raise LinkRefused(Refusal.REVOKED, link)
    if state is LinkState.EXPIRED:
        raise LinkRefused(Refusal.EXPIRED, link)
    return Verified(link, state)


def _claims(token: str, public_key: RSAPublicKey, issuer: str, *,
            expired: bool = False) -> dict[str, Any]:
    """The token's claims once its signature, audience and issuer hold (and, unless
    ``expired``, its expiry)."""
    return jwt.decode(token, public_key, algorithms=[keys.ALGORITHM], audience=AUDIENCE,
                      issuer=issuer, options={"require": list(REQUIRED), "verify_exp": not expired})


def _named_link(session: Session, claims: dict[str, Any], key_tenant: int) -> EmployerLink:
    """The link the claims name, if its key's tenant signed them and they match its record."""
    if claims["tnt"] != key_tenant:
        raise LinkRefused(Refusal.OTHER_TENANT)
    link = links.by_jti(session, str(claims["jti"]))
    if link is None or (link.registration_id, link.placement_id, link.supervisor_id) != (
            claims["tnt"], claims["plc"], claims["sup"]):
        raise LinkRefused(Refusal.TAMPERED)
    return link


# Parsing a public JWK costs more than verifying a signature; keys are parsed once per process.
_public: dict[str, tuple[RSAPublicKey, int]] = {}
_lock = threading.Lock()


def _public_key(session: Session, kid: str) -> tuple[RSAPublicKey, int] | None:
    cached = _public.get(kid)
    if cached is not None:
        return cached
    row = session.execute(select(ToolKey.public_jwk, ToolKey.purpose).where(
        ToolKey.kid == kid, ToolKey.purpose.startswith(PURPOSE_PREFIX))).first()
    if row is None:
        return None
    jwk, purpose = row
    key = RSAAlgorithm.from_jwk(jwk)
    if not isinstance(key, RSAPublicKey):  # pragma: no cover - rows hold public members only
        return None
    with _lock:
        if len(_public) > 256:
            _public.clear()
        _public[kid] = (key, int(purpose.removeprefix(PURPOSE_PREFIX)))
    return _public[kid]
