"""The one way Worklink signs: a key per purpose, derived from the secret, with rotation.

Every signed value names a :class:`Purpose`. Its key is derived from ``WORKLINK_SECRET_KEY`` by
HKDF (RFC 5869) with the purpose as the ``info``, so a token made for one purpose never verifies
for another, and a leaked signature of one kind says nothing about the others. Rotation: the
secrets in ``WORKLINK_PREVIOUS_SECRET_KEYS`` still verify (never sign) during the overlap window,
so changing the secret does not sign every teacher out or break every task link in a course;
remove the old secret once its longest-lived tokens have expired.

Tokens are ``<payload>.<HMAC-SHA256>``, both base64url, the payload a compact JSON array that
carries its own expiry. This is a few lines of our own rather than itsdangerous: the session
token is read on every page and issued on every launch, and itsdangerous re-derives its key and
tries zlib on every token (several times the cost of the rest of this).
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import hmac
import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

if TYPE_CHECKING:
    from lti_tool.config import Config


class Purpose(enum.StrEnum):
    """What a signature is for; each has its own key."""

    SESSION = "session"
    """The browser's launch-bound session (cookie, page header or form field)."""
    FORM = "form"
    """A form token: this session drew this form (CSRF), once (idempotent creation)."""
    ADMIN_LINK = "admin-link"
    """The operator's one-time sign-in link printed by ``worklink admin link``."""
    TASK_REFERENCE = "task-reference"
    """The task a deep-linked resource link opens, in its custom parameters."""
    EMPLOYER_LINK = "employer-link"
    """What an employer's pages sign: the form tokens bound to their link (the link itself is a
    JWT signed with the tool's key, see :mod:`lti_tool.employer.tokens`)."""
    FILE_DOWNLOAD = "file-download"
    """A download URL for one stored file of a student's work, expiring, that needs no login
    (the LMS fetches files named in a submission itself; pages show thumbnails by it)."""


_FORMAT = 1


class Signer:
    """Signs with the current secret; verifies with it and every previous one."""

    def __init__(self, secret: str | bytes, previous: Sequence[str | bytes] = ()) -> None:
        if not secret:
            raise ValueError("a signing secret is required")
        self._secrets = [_bytes(s) for s in (secret, *previous) if s]
        self._keys: dict[Purpose, list[bytes]] = {}

    def keys(self, purpose: Purpose) -> list[bytes]:
        """The purpose's keys, the signing one first; derived once per signer."""
        keys = self._keys.get(purpose)
        if keys is None:
            keys = self._keys[purpose] = [_derive(s, purpose) for s in self._secrets]
        return keys

    def mac(self, purpose: Purpose, message: bytes) -> bytes:
        return hmac.new(self.keys(purpose)[0], message, hashlib.sha256).digest()

    def verify_mac(self, purpose: Purpose, message: bytes, mac: bytes) -> bool:
        """True when ``mac`` (possibly truncated, at least 16 bytes) fits any current key."""
        if len(mac) < 16:
            return False
        return any(hmac.compare_digest(hmac.new(k, message, hashlib.sha256).digest()[:len(mac)], mac)
                   for k in self.keys(purpose))

    def dumps(self, purpose: Purpose, value: Any, *, max_age: int, now: float | None = None) -> str:
        """A URL-safe token holding ``value`` (JSON-able) until ``max_age`` seconds from now."""
        expires = int(time.time() if now is None else now) + max_age
        body = _b64(json.dumps([_FORMAT, expires, value], separators=(",", ":")).encode())
        return (body + b"." + _b64(self.mac(purpose, body))).decode()

    def loads(self, purpose: Purpose, token: str, *, now: float | None = None) -> Any:
        """The value, or ``None`` when the token is forged, for another purpose, or expired."""
        body, _, signature = token.encode("ascii", "replace").partition(b".")
        try:
            if not self.verify_mac(purpose, body, _unb64(signature)):
                return None
            form, expires, value = json.loads(_unb64(body))
        except (ValueError, TypeError, binascii.Error):
            return None
        if form != _FORMAT or not isinstance(expires, int):
            return None
        if (time.time() if now is None else now) >= expires:
            return None
        return value


def _derive(secret: bytes, purpose: Purpose) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"worklink-signing/v1",
                info=purpose.value.encode()).derive(secret)


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def _unb64(text: bytes) -> bytes:
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def for_config(config: Config) -> Signer:
    return Signer(config.secret_key, config.previous_secret_keys)


def signer() -> Signer:
    """The app's signer, built from its configuration on first use."""
    from flask import current_app

    found: Signer | None = current_app.extensions.get("worklink.signer")
    if found is None:
        found = current_app.extensions["worklink.signer"] = for_config(
            current_app.extensions["worklink.config"])
    return found
