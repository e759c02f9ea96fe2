"""1EdTech LTI Dynamic Registration 1.0, tool side: how Moodle and Canvas install Worklink.

The platform opens ``/lti/register?openid_configuration=…&registration_token=…``. Worklink
fetches the platform's OpenID configuration, checks that it speaks for the issuer it names
(:mod:`lti_tool.lti.platform_configuration`), posts its own client registration
(:mod:`lti_tool.lti.tool_registration`) to the platform's ``registration_endpoint``, and stores
the ``client_id`` (and ``deployment_id``, when the platform assigns one at once) it gets back.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any, TypedDict
from urllib.parse import urlsplit

import requests
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.config import Config, DeploymentPolicy
from lti_tool.lti.errors import DynamicRegistrationError
from lti_tool.lti.platform_configuration import (
    PlatformConfiguration,
    check_url,
    parse_platform_configuration,
)
from lti_tool.lti.registrations import (
    RegistrationError,
    add_registration,
    find_deployment,
    find_registration,
)
from lti_tool.lti.tool_registration import TOOL_CONFIGURATION, tool_registration
from lti_tool.models import Deployment, DeploymentStatus, Registration
from lti_tool.outbound.client import OutboundClient, OutboundRefused, OutboundTooLarge

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 256 * 1024


@dataclasses.dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    deployment_id: str | None
    deployment_status: DeploymentStatus | None
    platform: PlatformConfiguration
    updated: bool = False
    """The platform re-ran registration for a client Worklink knew (Moodle's "Update")."""


class _PlatformFields(TypedDict):
    """What registration takes from the platform's configuration: set anew on an update."""

    name: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    auth_audience: str | None
    product: str


def register(
    session: Session, config: Config, client: OutboundClient, openid_configuration: str,
    registration_token: str | None,
) -> RegistrationOutcome:
    """Run the whole exchange and store the registration; commits, or stores nothing.

    A platform that registers a client_id Worklink already has for its issuer is updating it
    (Moodle's "Update" on an existing tool re-runs registration and keeps its client id; a
    Canvas admin may re-run it too): its endpoints are updated in place, its deployments and
    everything they own are kept, and a disabled registration stays disabled.
    """
    platform = fetch_platform_configuration(config, client, openid_configuration,
                                            registration_token)
    document = tool_registration(config, platform)
    answer = _post_json(client, platform.registration_endpoint, document, registration_token)
    client_id = answer.get("client_id")
    if not isinstance(client_id, (str, int)) or str(client_id) == "":
        raise DynamicRegistrationError(
            "The platform accepted the registration but sent no client_id back.", status=502
        )
    tool_part = answer.get(TOOL_CONFIGURATION)
    deployment_id = tool_part.get("deployment_id") if isinstance(tool_part, dict) else None
    deployment_ids = [str(deployment_id)] if deployment_id not in (None, "") else []
    # /lti/register is public by nature (the LMS admin opens it from the LMS), so a deployment
    # it creates is trusted exactly as much as one first seen in a launch.
    new_status = (DeploymentStatus.PENDING
                  if config.unknown_deployment_policy is DeploymentPolicy.PENDING
                  else DeploymentStatus.ACTIVE)
    values = _PlatformFields(
        name=_registration_name(platform),
        auth_login_url=platform.authorization_endpoint,
        auth_token_url=platform.token_endpoint,
        key_set_url=platform.jwks_uri,
        auth_audience=_audience(platform),
        product=platform.product or "other",
    )
    try:
        registration = find_registration(session, platform.issuer, str(client_id))
        updated = registration is not None
        if registration is None:
            registration = add_registration(session, issuer=platform.issuer,
                                            client_id=str(client_id), **values)
        else:
            for name, value in values.items():
                setattr(registration, name, value)
            registration.key_set = None  # the platform now names its key set URL
        deployment = None
        if deployment_ids:
            deployment = find_deployment(session, registration, deployment_ids[0]) \
                if updated else None
            if deployment is None:
                deployment = Deployment(deployment_id=deployment_ids[0], status=new_status)
                registration.deployments.append(deployment)
        session.commit()
    except (RegistrationError, IntegrityError):
        session.rollback()
        raise DynamicRegistrationError(
            "This platform registration was stored by another request at the same moment.",
            status=409, hint="Run the registration again from the LMS.",
        ) from None
    if updated:
        log.info("registration %s (%s, client_id %s) updated by the platform",
                 registration.id, registration.issuer, registration.client_id)
    if deployment is not None and deployment.status is DeploymentStatus.PENDING:
        log.warning("new deployment %r of registration %s waits for an operator: "
                    "worklink platform deployments approve %s %r", deployment.deployment_id,
                    registration.id, registration.id, deployment.deployment_id)
    return RegistrationOutcome(registration, deployment.deployment_id if deployment else None,
                               deployment.status if deployment else None, platform, updated)


def fetch_platform_configuration(
    config: Config, client: OutboundClient, url: str, registration_token: str | None
) -> PlatformConfiguration:
    """GET the OpenID configuration (Canvas wants the registration token here too)."""
    check_url(config, client, url, "OpenID configuration URL")
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    document = _read_json(client, "GET", url, headers=headers)
    return parse_platform_configuration(config, client, url, document)


def _registration_name(platform: PlatformConfiguration) -> str:
    where = platform.account_name or urlsplit(platform.registration_endpoint).netloc
    product = (platform.product or "LMS").capitalize()
    return f"{product}: {where}"[:200]


def _audience(platform: PlatformConfiguration) -> str | None:
    # DR 1.0: authorization_server, when given, is the aud of the client assertion. Canvas
    # sends a bare host name there while its documented audience is the token endpoint.
    if platform.is_canvas:
        return None
    return platform.authorization_server


def _post_json(
    client: OutboundClient, url: str, document: dict[str, Any], registration_token: str | None
) -> dict[str, Any]:
    headers = {"Accept": "application/json", "Content-Type": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    return _read_json(client, "POST", url, headers=headers, body=json.dumps(document))


def _read_json(
    client: OutboundClient, method: str, url: str, *, headers: dict[str, str],
    body: str | None = None,
) -> dict[str, Any]:
    """The answer as a JSON object; a failure is described, and what the remote server said
    is never shown (the page is anonymous: it must not read internal services for anyone)."""
    what = "registration endpoint" if method == "POST" else "OpenID configuration"
    try:
        reply = client.request(method, url, headers=headers, data=body,
                               max_bytes=MAX_DOCUMENT_BYTES)
    except OutboundRefused as exc:
        raise DynamicRegistrationError(
            f"The platform's {what} points at an address Worklink does not connect to.",
            hint=str(exc)) from None
    except OutboundTooLarge:
        raise DynamicRegistrationError(
            f"The platform's {what} sent more than {MAX_DOCUMENT_BYTES // 1024} KiB.", status=502,
        ) from None
    except requests.RequestException as exc:
        raise DynamicRegistrationError(
            f"Worklink could not reach the platform's {what} at {url}.", status=502,
            hint=f"{type(exc).__name__}: check that the LMS is reachable from the Worklink server.",
        ) from None
    if reply.status_code >= 300:
        # For the operator's log, not the page.
        log.warning("dynamic registration: %s %s answered HTTP %s: %.200r", method, url,
                    reply.status_code, reply.content)
        raise DynamicRegistrationError(
            f"The platform's {what} answered HTTP {reply.status_code}.", status=502,
            hint="The Worklink server's log has the platform's answer."
                 if reply.status_code != 401 else
                 "The registration token was refused: it may have expired. Start the "
                 "registration again from the LMS.",
        )
    try:
        parsed = json.loads(reply.content)
    except ValueError:
        raise DynamicRegistrationError(
            f"The platform's {what} did not send JSON.", status=502
        ) from None
    if not isinstance(parsed, dict):
        raise DynamicRegistrationError(f"The platform's {what} did not send a JSON object.",
                                       status=502)
    return parsed
