"""The tool's own signing keys: RSA pairs in the ``tool_key`` table, rotated with an overlap.

Three states (see :class:`~lti_tool.models.KeyStatus`): a *next* key is published before it
signs anything, so a platform that cached our JWKS already knows it on the day it becomes
*current*; a *retired* key stays published for an overlap window, for tokens signed just
before a rotation. Private keys never leave this module except as a :class:`SigningKey`.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import json
import threading
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import delete, or_, select, text
from sqlalchemy.orm import Session

from competencies.orm import utcnow
from lti_tool.config import Config
from lti_tool.models import KeyStatus, ToolKey

KEY_SIZE = 2048
ALGORITHM = "RS256"
DEFAULT_OVERLAP = dt.timedelta(days=Config.key_rotation_overlap_days)
_PUBLIC_MEMBERS = ("kty", "n", "e")
LTI = "lti"
"""The purpose of the keys platforms verify (published in the JWKS); other purposes, such as
employer links, get keys of their own that rotate the same way and are never published."""


@dataclasses.dataclass(frozen=True)
class SigningKey:
    """The current key, parsed once per process: what signs client assertions and deep links."""

    kid: str
    private_key: rsa.RSAPrivateKey
    pem: str


def new_key(status: KeyStatus, *, now: dt.datetime | None = None, purpose: str = LTI) -> ToolKey:
    """A fresh RSA key pair as an unsaved row; the kid is its RFC 7638 thumbprint."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    members = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    public = {name: members[name] for name in _PUBLIC_MEMBERS}
    kid = _thumbprint(public)
    now = now or utcnow()
    return ToolKey(
        kid=kid,
        purpose=purpose,
        private_pem=pem,
        public_jwk={**public, "kid": kid, "alg": ALGORITHM, "use": "sig"},
        status=status,
        created_at=now,
        activated_at=now if status is KeyStatus.CURRENT else None,
    )


def ensure_keys(session: Session, purpose: str = LTI) -> bool:
    """Create a current and a next key where missing; commits, and says whether it created any."""
    _serialise_key_changes(session)
    present = set(session.scalars(
        select(ToolKey.status).where(ToolKey.status.in_((KeyStatus.CURRENT, KeyStatus.NEXT)),
                                     ToolKey.purpose == purpose)
    ))
    missing = [s for s in (KeyStatus.CURRENT, KeyStatus.NEXT) if s not in present]
    for status in missing:
        session.add(new_key(status, purpose=purpose))
    session.commit()
    return bool(missing)


def rotate(
    session: Session, overlap: dt.timedelta = DEFAULT_OVERLAP, *, now: dt.datetime | None = None,
    purpose: str = LTI,
) -> ToolKey:
    """next → current, current → retired until now + overlap, a new next; commits.

    Retired keys whose window has passed are deleted: nothing can verify against them any
    more, and a private key nobody needs is a liability. Returns the new current key.
    """
    now = now or utcnow()
    _serialise_key_changes(session)
    session.execute(
        delete(ToolKey).where(ToolKey.status == KeyStatus.RETIRED, ToolKey.retire_after <= now,
                              ToolKey.purpose == purpose)
    )
    for key in session.scalars(select(ToolKey).where(ToolKey.status == KeyStatus.CURRENT,
                                                     ToolKey.purpose == purpose)):
        key.status = KeyStatus.RETIRED
        key.retire_after = now + overlap
    promoted = session.scalars(
        select(ToolKey).where(ToolKey.status == KeyStatus.NEXT, ToolKey.purpose == purpose)
        .order_by(ToolKey.created_at.desc(), ToolKey.id.desc())
    ).first()
    if promoted is None:
        # Nothing was pre-published (a fresh database, or keys deleted by hand).
        promoted = new_key(KeyStatus.NEXT, now=now, purpose=purpose)
        session.add(promoted)
    promoted.status = KeyStatus.CURRENT
    promoted.activated_at = now
    session.add(new_key(KeyStatus.NEXT, now=now, purpose=purpose))
    session.commit()
    return promoted


def published_keys(session: Session, *, now: dt.datetime | None = None,
                   purpose: str = LTI) -> list[ToolKey]:
    """Current, next, and retired keys still inside their overlap window."""
    now = now or utcnow()
    return list(session.scalars(
        select(ToolKey)
        .where(ToolKey.purpose == purpose)
        .where(or_(
            ToolKey.status.in_((KeyStatus.CURRENT, KeyStatus.NEXT)),
            (ToolKey.status == KeyStatus.RETIRED) & (ToolKey.retire_after > now),
        ))
        .order_by(ToolKey.created_at, ToolKey.id)
    ))


def public_jwks(session: Session, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """The JWKS platforms fetch from ``/lti/jwks.json``: public members only."""
    keys = published_keys(session, now=now)
    if not any(k.status is KeyStatus.CURRENT for k in keys) and ensure_keys(session):
        keys = published_keys(session, now=now)
    return {"keys": [_public_only(k.public_jwk) for k in keys]}


def all_keys(session: Session, purpose: str = LTI) -> list[ToolKey]:
    return list(session.scalars(select(ToolKey).where(ToolKey.purpose == purpose)
                                .order_by(ToolKey.created_at, ToolKey.id)))


# --- the per-process cache of parsed keys ------------------------------------------------
# Parsing and validating a PEM costs ~50 ms of CPU (pylti1p3 does it for every service
# token request). The current kid is looked up on every call, an indexed one-row read, so
# a rotation made by another process is noticed at once; the parsed object is reused.

_parsed: dict[str, SigningKey] = {}
_parse_lock = threading.Lock()
_MAX_PARSED = 16


def signing_key(session: Session, purpose: str = LTI) -> SigningKey:
    """The current key as a parsed ``cryptography`` object; creates the keys on first use."""
    kid = _current_kid(session, purpose)
    if kid is None:
        ensure_keys(session, purpose)
        kid = _current_kid(session, purpose)
        if kid is None:  # pragma: no cover - ensure_keys just committed one
            raise RuntimeError("no current tool key after ensure_keys")
    cached = _parsed.get(kid)
    if cached is not None:
        return cached
    with _parse_lock:
        cached = _parsed.get(kid)
        if cached is None:
            pem = session.scalar(select(ToolKey.private_pem).where(ToolKey.kid == kid))
            if pem is None:  # rotated away between the two reads: ask again
                return signing_key(session, purpose)
            cached = _parse(kid, pem)
            if len(_parsed) >= _MAX_PARSED:
                _parsed.clear()
            _parsed[kid] = cached
    return cached


def forget_parsed_keys() -> None:
    """Drop the parsed-key cache (tests that measure the first parse)."""
    with _parse_lock:
        _parsed.clear()


def _current_kid(session: Session, purpose: str = LTI) -> str | None:
    # Two workers starting on an empty database can both create a current key; the newest
    # one signs, and both are published, so either verifies.
    return session.scalar(
        select(ToolKey.kid).where(ToolKey.status == KeyStatus.CURRENT, ToolKey.purpose == purpose)
        .order_by(ToolKey.activated_at.desc(), ToolKey.id.desc()).limit(1)
    )


def _parse(kid: str, pem: str) -> SigningKey:
    private_key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise TypeError(f"tool key {kid} is not an RSA key")
    return SigningKey(kid=kid, private_key=private_key, pem=pem)


def _public_only(jwk: dict[str, Any]) -> dict[str, Any]:
    # Rows hold only public members, but the JWKS is the one place a slip would leak a
    # private exponent to the world, so filter again on the way out.
    return {name: jwk[name] for name in ("kty", "kid", "alg", "use", "n", "e") if name in jwk}


def _thumbprint(public: dict[str, str]) -> str:
    canonical = json.dumps({k: public[k] for k in sorted(public)}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _serialise_key_changes(session: Session) -> None:
    """On PostgreSQL, one writer at a time (two workers starting together, a CLI rotation)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext('worklink.tool_key'))"))
