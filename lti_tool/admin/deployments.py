"""What the operator does to registrations and deployments (admin pages and the CLI share it)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from competencies.orm import utcnow
from lti_tool.lti.registrations import RegistrationError, find_deployment
from lti_tool.models import Deployment, DeploymentStatus, Registration


def registrations_with_deployments(session: Session) -> list[Registration]:
    return list(session.scalars(
        select(Registration).options(selectinload(Registration.deployments))
        .order_by(Registration.name, Registration.id)
    ))


def pending_deployments(session: Session) -> list[Deployment]:
    return list(session.scalars(
        select(Deployment).options(selectinload(Deployment.registration))
        .where(Deployment.status == DeploymentStatus.PENDING)
        .order_by(Deployment.created_at, Deployment.id)
    ))


def find_registration_by_reference(session: Session, reference: str) -> Registration:
    """A registration by its Worklink id, or by its exact name or client_id if unambiguous."""
    if reference.isdigit():
        found = session.get(Registration, int(reference))
        if found is not None:
            return found
    matches = list(session.scalars(select(Registration).where(
        (Registration.name == reference) | (Registration.client_id == reference)
    )))
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise RegistrationError(f"{reference!r} names {len(matches)} registrations: use the id")
    raise RegistrationError(f"no registration {reference!r} (see `worklink platform list`)")


def set_status(deployment: Deployment, status: DeploymentStatus) -> Deployment:
    """Approve (active) or disable one deployment; the caller commits."""
    deployment.status = status
    if status is DeploymentStatus.ACTIVE:
        deployment.approved_at = utcnow()
    return deployment


def set_status_by_id(
    session: Session, registration: Registration, deployment_id: str, status: DeploymentStatus
) -> tuple[Deployment, bool]:
    """Set the status of a deployment id, adding it first if no launch has brought it yet.

    Returns the deployment and whether it was added: an operator may approve (or block) a
    Canvas deployment id before anyone launches from it.
    """
    deployment = find_deployment(session, registration, deployment_id)
    added = deployment is None
    if deployment is None:
        deployment = Deployment(deployment_id=deployment_id, status=status)
        registration.deployments.append(deployment)
    set_status(deployment, status)
    return deployment, added
