"""One-time sign-in links for the operator, printed by ``worklink admin link``.

The link carries a token signed with the secret key; its nonce is also stored in the
``ephemeral_value`` table and deleted on first use, so a link works once, on any worker.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import delete
from sqlalchemy.orm import Session

from lti_tool.models import EphemeralValue

DEFAULT_LIFETIME = dt.timedelta(minutes=15)
MAX_LIFETIME = dt.timedelta(hours=24)
_SALT = "worklink-admin-link"
_PREFIX = "admin-link:"


def issue_link(session: Session, secret_key: str, base_url: str,
               lifetime: dt.timedelta = DEFAULT_LIFETIME) -> str:
    """A sign-in URL valid once, for ``lifetime``; commits."""
    nonce = secrets.token_urlsafe(24)
    session.add(EphemeralValue(key=_PREFIX + nonce, value=b"1",
                               expires_at=int(time.time() + lifetime.total_seconds())))
    session.commit()
    token = URLSafeTimedSerializer(secret_key, salt=_SALT).dumps(nonce)
    return f"{base_url.rstrip('/')}/admin/signin?token={token}"


def redeem(session: Session, secret_key: str, token: str) -> str | None:
    """The link's nonce if the token is genuine, unexpired and unused; consumes it (commits).

    The stored row's expiry is the link's own lifetime; the signature's age check is a cap.
    """
    try:
        nonce = URLSafeTimedSerializer(secret_key, salt=_SALT).loads(
            token, max_age=int(MAX_LIFETIME.total_seconds())
        )
    except BadSignature:
        return None
    if not isinstance(nonce, str):
        return None
    # One DELETE decides: of two requests racing with the same link, one removes the row.
    removed = session.execute(
        delete(EphemeralValue).where(
            EphemeralValue.key == _PREFIX + nonce, EphemeralValue.expires_at > int(time.time())
        )
    ).rowcount
    session.commit()
    return nonce if removed == 1 else None
