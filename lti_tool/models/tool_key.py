"""The tool's own RSA keys: stored in the database, rotated with an overlap window."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from competencies.orm import Base, utcnow


class KeyStatus(enum.StrEnum):
    NEXT = "next"
    """Published in the JWKS ahead of use, so platforms that cache our keys already know it."""
    CURRENT = "current"
    """Signs everything we send."""
    RETIRED = "retired"
    """Still published until ``retire_after`` for tokens signed just before a rotation."""


class ToolKey(Base):
    __tablename__ = "tool_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    kid: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(60), default="lti", server_default="lti",
                                         index=True)
    """What the key signs: ``lti`` (published in the JWKS for platforms) or another purpose,
    such as one tenant's employer links (``employer-link:<registration id>``), never published."""
    private_pem: Mapped[str] = mapped_column(Text)
    public_jwk: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[KeyStatus] = mapped_column(Enum(KeyStatus, native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[dt.datetime | None] = mapped_column()
    retire_after: Mapped[dt.datetime | None] = mapped_column()
