"""``worklink platform``: register a platform by hand, list, turn off and on, remove; approve
deployments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from lti_tool.admin import registrations as operations
from lti_tool.admin.deployments import (
    find_registration_by_reference,
    registrations_with_deployments,
    set_status_by_id,
)
from lti_tool.cli.context import database_session
from lti_tool.lti.registrations import RegistrationError, add_registration
from lti_tool.models import DeploymentStatus, Registration

PRODUCTS = ("canvas", "moodle", "other")


@click.group()
def platform() -> None:
    """LMS platforms Worklink is registered with."""


@platform.command("add")
@click.option("--name", required=True, help="A name for people: 'Moodle at Riverside College'.")
@click.option("--issuer", required=True,
              help="The platform's iss (Canvas: https://canvas.instructure.com).")
@click.option("--client-id", required=True, help="The client id the platform gave Worklink.")
@click.option("--login-url", required=True, help="The platform's OIDC authorization endpoint.")
@click.option("--token-url", required=True, help="The platform's OAuth2 token endpoint.")
@click.option("--jwks-url", help="The platform's public key set URL.")
@click.option("--jwks-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JWKS file, for a platform without a key set URL.")
@click.option("--audience", help="Client assertion audience, if not the token URL.")
@click.option("--deployment", "deployments", multiple=True, help="A deployment id (repeatable).")
@click.option("--product", type=click.Choice(PRODUCTS), default="other", show_default=True)
def add(name: str, issuer: str, client_id: str, login_url: str, token_url: str,
        jwks_url: str | None, jwks_file: Path | None, audience: str | None,
        deployments: tuple[str, ...], product: str) -> None:
    """Register a platform from the values its admin screen shows."""
    if bool(jwks_url) == bool(jwks_file):
        raise click.UsageError("give exactly one of --jwks-url or --jwks-file")
    key_set = _read_jwks(jwks_file) if jwks_file else None
    with database_session() as session:
        try:
            registration = add_registration(
                session, name=name, issuer=issuer, client_id=client_id, auth_login_url=login_url,
                auth_token_url=token_url, key_set_url=jwks_url, key_set=key_set,
                auth_audience=audience, product=product, deployment_ids=list(deployments),
            )
        except RegistrationError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"registered {registration.name} (id {registration.id}): "
                   f"{issuer} client_id {client_id}, "
                   f"{len(deployments)} deployment(s) active")


@platform.command("list")
def list_() -> None:
    """Registrations with their deployments and statuses."""
    with database_session() as session:
        registrations = registrations_with_deployments(session)
        if not registrations:
            click.echo("no platforms registered: run `worklink platform add` or use "
                       "Dynamic Registration (<base_url>/lti/register)")
            return
        for r in registrations:
            product = r.product or "other"
            state = (f"\tOFF since {r.disabled_at:%Y-%m-%d %H:%M} UTC" if r.disabled_at else "")
            click.echo(f"{r.id}\t{r.name}\t{product}\t{r.issuer}\tclient_id {r.client_id}{state}")
            if not r.deployments:
                click.echo("\t(no deployments yet)")
            for d in sorted(r.deployments, key=lambda d: d.id):
                click.echo(f"\tdeployment {d.deployment_id}\t{d.status.value}")


@platform.command("disable")
@click.argument("registration")
def disable_registration(registration: str) -> None:
    """Refuse every launch and service call of REGISTRATION (an id, name or client_id)."""
    with database_session() as session:
        found = _find(session, registration)
        operations.set_enabled(found, False)
        session.commit()
        click.echo(f"{found.name} (id {found.id}) is off: its launches are refused; "
                   "`worklink platform enable` turns it back on")


@platform.command("enable")
@click.argument("registration")
def enable_registration(registration: str) -> None:
    """Let REGISTRATION (an id, name or client_id) launch again."""
    with database_session() as session:
        found = _find(session, registration)
        operations.set_enabled(found, True)
        session.commit()
        click.echo(f"{found.name} (id {found.id}) is on")


@platform.command("remove")
@click.argument("registration")
def remove_registration(registration: str) -> None:
    """Delete REGISTRATION and its deployments, if nothing else belongs to it yet.

    A registration people have launched from keeps their courses and work: it is refused
    here (turn it off instead).
    """
    with database_session() as session:
        found = _find(session, registration)
        name, ident = found.name, found.id
        try:
            operations.remove(session, found)
        except RegistrationError as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"removed {name} (id {ident}) and its deployments")


def _find(session: Session, reference: str) -> Registration:
    try:
        return find_registration_by_reference(session, reference)
    except RegistrationError as exc:
        raise click.ClickException(str(exc)) from None


@platform.group()
def deployments() -> None:
    """Approve or disable one deployment of a registration."""


@deployments.command("approve")
@click.argument("registration")
@click.argument("deployment_id")
def approve(registration: str, deployment_id: str) -> None:
    """Let launches from DEPLOYMENT_ID in; REGISTRATION is an id, name or client_id."""
    _set(registration, deployment_id, DeploymentStatus.ACTIVE, "approved")


@deployments.command("disable")
@click.argument("registration")
@click.argument("deployment_id")
def disable(registration: str, deployment_id: str) -> None:
    """Refuse launches from DEPLOYMENT_ID; REGISTRATION is an id, name or client_id."""
    _set(registration, deployment_id, DeploymentStatus.DISABLED, "disabled")


def _set(reference: str, deployment_id: str, status: DeploymentStatus, verb: str) -> None:
    with database_session() as session:
        try:
            registration = find_registration_by_reference(session, reference)
        except RegistrationError as exc:
            raise click.ClickException(str(exc)) from None
        _, added = set_status_by_id(session, registration, deployment_id, status)
        session.commit()
        click.echo(f"deployment {deployment_id} of {registration.name} "
                   f"{'added and ' if added else ''}{verb}")


def _read_jwks(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{path} is not a JSON key set: {exc}") from None
    if not isinstance(value, dict) or not isinstance(value.get("keys"), list):
        raise click.ClickException(f"{path} is not a JWKS: expected an object with a 'keys' list")
    return value
