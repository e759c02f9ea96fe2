"""Platforms Worklink is registered with, and their deployments."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from competencies.orm import Base, utcnow


class DeploymentStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING = "pending"
    """Seen in a launch but not yet approved by an admin (policy ``pending``)."""
    DISABLED = "disabled"


class Registration(Base):
    """One LTI 1.3 registration: a platform issuer plus the client_id it gave Worklink."""

    __tablename__ = "registration"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    """The platform's ``iss``; Canvas uses https://canvas.instructure.com for every hosted school."""
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(1000))
    """The platform's OIDC authorization endpoint, where our login step redirects."""
    auth_token_url: Mapped[str] = mapped_column(String(1000))
    """OAuth2 token endpoint for service calls (AGS, NRPS)."""
    auth_audience: Mapped[str | None] = mapped_column(String(1000))
    """Audience for the client assertion when the platform wants one other than the token URL."""
    key_set_url: Mapped[str | None] = mapped_column(String(1000))
    key_set: Mapped[dict[str, Any] | None] = mapped_column()
    """A JWKS pasted by hand, for platforms without a key set URL."""
    product: Mapped[str | None] = mapped_column(String(100))
    """canvas, moodle, sandbox…: lets the code name platform quirks."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    disabled_at: Mapped[dt.datetime | None] = mapped_column()
    """Set by an operator: no launch or service call for this registration until enabled."""

    deployments: Mapped[list[Deployment]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )


class Deployment(Base):
    __tablename__ = "deployment"
    __table_args__ = (UniqueConstraint("registration_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    deployment_id: Mapped[str] = mapped_column(String(255))
    """The platform's id for one install of this tool; Canvas makes a new one per account or course."""
    status: Mapped[DeploymentStatus] = mapped_column(
        Enum(DeploymentStatus, native_enum=False, length=20,
             values_callable=lambda e: [m.value for m in e]), default=DeploymentStatus.ACTIVE
    )
    label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[dt.datetime | None] = mapped_column()

    registration: Mapped[Registration] = relationship(back_populates="deployments")
