"""One-time sign-in links for the operator, printed by ``worklink admin link``.

The link carries a token signed for :attr:`Purpose.ADMIN_LINK`; its nonce is also stored in the
``ephemeral_value`` table and deleted on first use, so a link works once, on any worker. The
token rides in the URL's fragment (``/admin/signin#<token>``), which a browser never sends: no
access log, proxy or Referer holds it; the page's script moves it into the form the operator
submits.
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from typing import Any, cast

from sqlalchemy import CursorResult, delete
from sqlalchemy.orm import Session

from lti_tool.models import EphemeralValue
from lti_tool.signing import Purpose, Signer

DEFAULT_LIFETIME = dt.timedelta(minutes=15)
MAX_LIFETIME = dt.timedelta(hours=24)
_PREFIX = "admin-link:"


def issue_link(session: Session, signer: Signer, base_url: str,
               lifetime: dt.timedelta = DEFAULT_LIFETIME) -> str:
    """A sign-in URL valid once, for ``lifetime``; commits."""
    nonce = secrets.token_urlsafe(24)
    session.add(EphemeralValue(key=_PREFIX + nonce, value=b"1",
                               expires_at=int(time.time() + lifetime.total_seconds())))
    session.commit()
    token = signer.dumps(Purpose.ADMIN_LINK, nonce, max_age=int(lifetime.total_seconds()))
    return f"{base_url.rstrip('/')}/admin/signin#{token}"


def redeem(session: Session, signer: Signer, token: str) -> str | None:
    """The link's nonce if the token is genuine, unexpired and unused; consumes it (commits)."""
    nonce = signer.loads(Purpose.ADMIN_LINK, token)
    if not isinstance(nonce, str):
        return None
    # One DELETE decides: of two requests racing with the same link, one removes the row.
    # Session.execute is typed to return a plain Result; a DELETE gives a CursorResult.
    removed = cast(CursorResult[Any], session.execute(
        delete(EphemeralValue).where(
            EphemeralValue.key == _PREFIX + nonce, EphemeralValue.expires_at > int(time.time())
        )
    )).rowcount
    session.commit()
    return nonce if removed == 1 else None
