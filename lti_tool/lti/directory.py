"""Registrations and deployments as the launch path needs them: read once, kept briefly in memory.

Every launch needs the registration (by issuer and client id) and its deployment. They change
rarely (an admin adds a platform or approves a deployment), so each worker keeps what it read for
``TTL`` seconds; a change made through this process is seen at once, one made elsewhere within
``TTL``. This is what keeps the launch path free of lookups on a busy morning.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from lti_tool.models import Deployment, DeploymentStatus, Registration

TTL = 30.0


@dataclasses.dataclass(frozen=True)
class PlatformRegistration:
    id: int
    issuer: str
    client_id: str
    auth_login_url: str
    key_set_url: str | None
    key_set: dict[str, Any] | None
    disabled: bool
    """An operator turned the registration off: its launches are refused."""


@dataclasses.dataclass(frozen=True)
class DeploymentInfo:
    id: int
    status: DeploymentStatus


class Directory:
    def __init__(self) -> None:
        self._registrations: dict[tuple[str, str], tuple[float, PlatformRegistration]] = {}
        self._by_issuer: dict[str, tuple[float, list[PlatformRegistration]]] = {}
        self._deployments: dict[tuple[int, str], tuple[float, DeploymentInfo]] = {}
        self._lock = threading.Lock()

    def registration(self, conn: Connection, issuer: str,
                     client_id: str) -> PlatformRegistration | None:
        now = time.monotonic()
        hit = self._registrations.get((issuer, client_id))
        if hit is not None and hit[0] > now:
            return hit[1]
        row = conn.execute(select(*_COLUMNS).where(
            Registration.issuer == issuer, Registration.client_id == client_id)).first()
        if row is None:
            return None  # never cache a miss: a platform registered a moment ago must launch
        value = PlatformRegistration(*row)
        self._registrations[(issuer, client_id)] = (now + TTL, value)
        return value

    def registrations_for_issuer(self, conn: Connection, issuer: str) -> list[PlatformRegistration]:
        now = time.monotonic()
        hit = self._by_issuer.get(issuer)
        if hit is not None and hit[0] > now:
            return hit[1]
        rows = conn.execute(select(*_COLUMNS).where(Registration.issuer == issuer)).all()
        value = [PlatformRegistration(*row) for row in rows]
        if value:
            self._by_issuer[issuer] = (now + TTL, value)
        return value

    def deployment(self, conn: Connection, registration_id: int, deployment_id: str) -> DeploymentInfo | None:
        """Only active deployments are kept: a new or approved one counts from the next launch."""
        now = time.monotonic()
        hit = self._deployments.get((registration_id, deployment_id))
        if hit is not None and hit[0] > now:
            return hit[1]
        row = conn.execute(select(Deployment.id, Deployment.status).where(
            Deployment.registration_id == registration_id,
            Deployment.deployment_id == deployment_id)).first()
        if row is None:
            return None
        value = DeploymentInfo(row.id, DeploymentStatus(row.status))
        if value.status is DeploymentStatus.ACTIVE:
            self._deployments[(registration_id, deployment_id)] = (now + TTL, value)
        return value

    def forget(self) -> None:
        """Drop everything (after this process changed a registration or a deployment)."""
        with self._lock:
            self._registrations.clear()
            self._by_issuer.clear()
            self._deployments.clear()


_COLUMNS = (Registration.id, Registration.issuer, Registration.client_id,
            Registration.auth_login_url, Registration.key_set_url, Registration.key_set,
            Registration.disabled_at.is_not(None))
