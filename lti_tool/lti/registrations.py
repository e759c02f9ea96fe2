"""Adding and finding platform registrations and deployments (CLI, dynamic registration, sandbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.models import Deployment, DeploymentStatus, Registration


class RegistrationError(ValueError):
    """The registration details are incomplete or clash with an existing one."""


def add_registration(
    session: Session,
    *,
    name: str,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str | None = None,
    key_set: dict[str, Any] | None = None,
    auth_audience: str | None = None,
    product: str | None = None,
    deployment_ids: list[str] | tuple[str, ...] = (),
) -> Registration:
    """Create a registration (not committed); raises if (issuer, client_id) is already taken."""
    if not (key_set_url or key_set):
        raise RegistrationError("a registration needs the platform's key set URL or its JWKS")
    for label, url in (("login URL", auth_login_url), ("token URL", auth_token_url),
                       ("key set URL", key_set_url)):
        if url is not None and not url.startswith(("https://", "http://")):
            raise RegistrationError(f"the platform {label} must be an http(s) URL: {url!r}")
    if find_registration(session, issuer, client_id) is not None:
        raise RegistrationError(f"{issuer} already has a registration for client_id {client_id}")
    registration = Registration(
        name=name, issuer=issuer, client_id=client_id, auth_login_url=auth_login_url,
        auth_token_url=auth_token_url, key_set_url=key_set_url, key_set=key_set,
        auth_audience=auth_audience, product=product,
    )
    registration.deployments = [
        Deployment(deployment_id=d, status=DeploymentStatus.ACTIVE) for d in deployment_ids
    ]
    session.add(registration)
    return registration


def find_registration(session: Session, issuer: str, client_id: str) -> Registration | None:
    return session.scalar(
        select(Registration).where(Registration.issuer == issuer, Registration.client_id == client_id)
    )


def registrations_for_issuer(session: Session, issuer: str) -> list[Registration]:
    return list(session.scalars(select(Registration).where(Registration.issuer == issuer)))


def find_deployment(session: Session, registration: Registration, deployment_id: str) -> Deployment | None:
    return session.scalar(
        select(Deployment).where(
            Deployment.registration_id == registration.id, Deployment.deployment_id == deployment_id
        )
    )
