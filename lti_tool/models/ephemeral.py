"""Short-lived values shared by every worker: OIDC state, nonces, launch data."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base


class EphemeralValue(Base):
    """A key with an expiry; the database backend of :mod:`lti_tool.lti.store`."""

    __tablename__ = "ephemeral_value"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[dt.datetime] = mapped_column(index=True)
