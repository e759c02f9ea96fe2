"""Short-lived values shared by every worker: OIDC state, nonces, launch data, one-time links."""

from __future__ import annotations

from sqlalchemy import BigInteger, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base


class EphemeralValue(Base):
    """A key with an expiry; the database backend of :mod:`lti_tool.lti.store`."""

    __tablename__ = "ephemeral_value"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[int] = mapped_column(BigInteger, index=True)
    """Unix time in seconds. Read on every launch: an integer compares the same on every backend
    and needs no conversion, where a timezone-aware datetime costs more than the query."""
