"""Browser sessions: one row per signed-in browser, so a session can be ended and can go idle."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base


class BrowserSession(Base):
    """A browser bound to one launch (or to the operator's sign-in link).

    The browser holds a signed token naming this row (see :mod:`lti_tool.sessions`); the row is
    what makes the token worth anything, so deleting it or setting ``ended_at`` signs the browser
    out wherever the token was copied. Times are Unix seconds, like ``ephemeral_value``: read on
    every page, compared the same on every backend.
    """

    __tablename__ = "browser_session"
    # Written on every launch, so no foreign keys and no index beyond the key: each would cost
    # the launch a lookup or a write. Revocation and purging are rare and may scan.

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """Random, unguessable; the signed token carries it."""
    user_id: Mapped[int | None] = mapped_column()
    """``lms_user.id``; ``None`` for the operator and for anonymous launches."""
    registration_id: Mapped[int | None] = mapped_column()
    """``None`` for the operator, who signs in by link, not through a platform."""
    deployment_id: Mapped[int | None] = mapped_column()
    course_id: Mapped[int | None] = mapped_column()
    """The course the launch came from; every page checks its own against it."""
    role: Mapped[str] = mapped_column(String(30))
    launch_id: Mapped[str] = mapped_column(String(64))
    """The launch this browser was bound by; a deep-linking picker answers only its own."""
    created_at: Mapped[int] = mapped_column(BigInteger)
    last_seen_at: Mapped[int] = mapped_column(BigInteger)
    """Refreshed at most once a minute, so a page view rarely writes."""
    expires_at: Mapped[int] = mapped_column(BigInteger)
    """The absolute end (``created_at`` plus the launch lifetime), however active."""
    ended_at: Mapped[int | None] = mapped_column(BigInteger)
    """Set by logout or an operator's revocation."""
