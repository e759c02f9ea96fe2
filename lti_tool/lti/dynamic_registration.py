"""1EdTech LTI Dynamic Registration 1.0, tool side: how Moodle and Canvas install Worklink.

The platform opens ``/lti/register?openid_configuration=…&registration_token=…``. Worklink
fetches the platform's OpenID configuration, checks that it speaks for the issuer it names,
posts its own client registration to the platform's ``registration_endpoint``, and stores the
``client_id`` (and ``deployment_id``, when the platform assigns one at once) it gets back.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.config import Config, DeploymentPolicy
from lti_tool.lti.registrations import (
    RegistrationError,
    add_registration,
    find_deployment,
    find_registration,
)
from lti_tool.lti.tool_profile import (
    CANVAS_CUSTOM_FIELDS,
    CLAIMS,
    CUSTOM_PARAMETERS,
    DESCRIPTION,
    SCOPES,
    ToolUrls,
)
from lti_tool.models import Deployment, DeploymentStatus, Registration
from lti_tool.outbound.addresses import AddressRefused, HostUnresolved
from lti_tool.outbound.client import OutboundClient, OutboundRefused, OutboundTooLarge

log = logging.getLogger(__name__)

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS = "https://canvas.instructure.com/lti"
MAX_DOCUMENT_BYTES = 256 * 1024

# Instructure-hosted Canvas names one issuer per environment for every school, while the
# OpenID configuration URL it hands out is on the school's own <school>.instructure.com host.
_CANVAS_CLOUD_ISSUERS = frozenset({
    "https://canvas.instructure.com",
    "https://canvas.beta.instructure.com",
    "https://canvas.test.instructure.com",
})


class DynamicRegistrationError(Exception):
    """Registration failed; the message is written for the LMS admin who is watching."""

    def __init__(self, message: str, *, status: int = 400, hint: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.hint = hint


@dataclasses.dataclass(frozen=True)
class PlatformConfiguration:
    """The parts of the platform's OpenID configuration that Worklink uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product: str | None
    """``product_family_code`` in lower case: ``canvas``, ``moodle``…"""
    account_name: str | None
    scopes_supported: tuple[str, ...] | None
    authorization_server: str | None
    placements: dict[str, tuple[str, ...]]
    """Message type → the placements the platform lists for it (empty tuple: none listed)."""

    @property
    def is_canvas(self) -> bool:
        return self.product == "canvas"


@dataclasses.dataclass(frozen=True)
class RegistrationOutcome:
    registration: Registration
    deployment_id: str | None
    deployment_status: DeploymentStatus | None
    platform: PlatformConfiguration
    updated: bool = False
    """The platform re-ran registration for a client Worklink knew (Moodle's "Update")."""


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
    values = dict(
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


def parse_platform_configuration(
    config: Config, client: OutboundClient, url: str, document: dict[str, Any]
) -> PlatformConfiguration:
    def required(name: str) -> str:
        value = document.get(name)
        if not isinstance(value, str) or not value:
            raise DynamicRegistrationError(
                f"The platform's OpenID configuration has no {name}.", status=502
            )
        return value

    issuer = required("issuer")
    product_part = document.get(PLATFORM_CONFIGURATION)
    product_part = product_part if isinstance(product_part, dict) else {}
    product = product_part.get("product_family_code")
    product = product.strip().lower() if isinstance(product, str) and product.strip() else None
    check_issuer(config, client, issuer, url, product)
    endpoints = {
        name: required(name)
        for name in (
            "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"
        )
    }
    for name, endpoint in endpoints.items():
        check_url(config, client, endpoint, name)
    scopes = document.get("scopes_supported")
    placements: dict[str, tuple[str, ...]] = {}
    for message in product_part.get("messages_supported") or []:
        if isinstance(message, dict) and isinstance(message.get("type"), str):
            listed = message.get("placements") or []
            placements[message["type"]] = tuple(p for p in listed if isinstance(p, str))
    account = product_part.get(f"{CANVAS}/account_name")
    server = document.get("authorization_server")
    return PlatformConfiguration(
        issuer=issuer,
        product=product,
        account_name=account if isinstance(account, str) else None,
        scopes_supported=tuple(s for s in scopes if isinstance(s, str))
        if isinstance(scopes, list) else None,
        authorization_server=server if isinstance(server, str) and server else None,
        placements=placements,
        **endpoints,
    )


def check_issuer(config: Config, client: OutboundClient, issuer: str, configuration_url: str,
                 product: str | None) -> None:
    """The configuration must come from the issuer it names (DR 1.0 §3.5.1).

    Otherwise any server could hand out a configuration naming someone else's issuer.
    """
    parts = urlsplit(issuer)
    if parts.query or parts.fragment:
        raise DynamicRegistrationError(f"The platform issuer {issuer!r} has a query or fragment.")
    check_url(config, client, issuer, "issuer", resolve=False)
    origin = urlsplit(configuration_url)
    if (parts.scheme, parts.netloc.lower()) == (origin.scheme, origin.netloc.lower()):
        return
    host = (origin.hostname or "").lower()
    if (product == "canvas" and issuer.rstrip("/") in _CANVAS_CLOUD_ISSUERS
            and origin.scheme == "https" and host.endswith(".instructure.com")):
        return
    raise DynamicRegistrationError(
        f"The platform says its issuer is {issuer}, but its configuration came from "
        f"{origin.scheme}://{origin.netloc}. Worklink only registers a platform whose "
        "configuration is served from its own issuer.",
        hint="For hosted Canvas, start the registration from your school's "
             "*.instructure.com address, or install Worklink with the Canvas JSON URL instead.",
    )


def check_url(config: Config, client: OutboundClient, url: str, label: str, *,
              resolve: bool = True) -> None:
    """https (http only outside production), no fragment, and an address the outbound policy
    allows: this URL came from an anonymous request.

    The endpoints stored here are fetched later (launches, services), and each fetch is judged
    again where it connects; checking now tells the LMS admin at once instead.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DynamicRegistrationError(f"The platform's {label} is not a web address: {url!r}.")
    if parts.scheme == "http" and config.is_production:
        raise DynamicRegistrationError(f"The platform's {label} must use https: {url}.")
    if parts.fragment:
        raise DynamicRegistrationError(f"The platform's {label} must not have a fragment: {url}.")
    if resolve:
        try:
            client.policy.resolve(parts.hostname, parts.port or 443)
        except AddressRefused as exc:
            raise DynamicRegistrationError(
                f"The platform's {label} points at an address Worklink does not connect to: "
                f"{exc.reason}.",
                hint="An on-premises LMS on a private network must be allowed by the Worklink "
                     "operator (WORKLINK_OUTBOUND_ALLOW).") from None
        except HostUnresolved:
            raise DynamicRegistrationError(
                f"The platform's {label} host {parts.hostname} does not resolve.", status=502,
            ) from None


def tool_registration(config: Config, platform: PlatformConfiguration) -> dict[str, Any]:
    """The client registration Worklink posts (DR 1.0 §3.5.2, Canvas's schema)."""
    urls = ToolUrls.from_config(config)
    scopes = [s for s in SCOPES
              if platform.scopes_supported is None or s in platform.scopes_supported]
    tool: dict[str, Any] = {
        "domain": urls.domain,
        "description": DESCRIPTION,
        "target_link_uri": urls.launch,
        "custom_parameters": dict(
            CANVAS_CUSTOM_FIELDS if platform.is_canvas else CUSTOM_PARAMETERS
        ),
        "claims": list(CLAIMS),
        "messages": _messages(config, platform, urls),
    }
    if platform.is_canvas:
        tool[f"{CANVAS}/privacy_level"] = "public"
        tool[f"{CANVAS}/tool_id"] = "worklink"
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": config.tool_name,
        # OIDC client metadata: Moodle shows it as the tool's icon, Canvas beside its name.
        "logo_uri": urls.icon,
        "jwks_uri": urls.jwks,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIGURATION: tool,
    }


def _messages(
    config: Config, platform: PlatformConfiguration, urls: ToolUrls
) -> list[dict[str, Any]]:
    name = config.tool_name
    if platform.is_canvas:
        def offered(message_type: str, *wanted: str) -> list[str]:
            listed = platform.placements.get(message_type, ())
            return [p for p in wanted if not listed or p in listed]

        return [
            {
                "type": "LtiResourceLinkRequest",
                "target_link_uri": urls.launch,
                "label": name,
                "icon_uri": urls.icon,
                "placements": offered("LtiResourceLinkRequest", "course_navigation"),
                # The teacher's course view: "admins" in a course means teachers and admins.
                f"{CANVAS}/course_navigation/default_enabled": True,
                f"{CANVAS}/visibility": "admins",
            },
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": urls.launch,
                "label": f"{name} task",
                "icon_uri": urls.icon,
                "placements": offered(
                    "LtiDeepLinkingRequest", "assignment_selection", "link_selection"
                ),
            },
        ]
    # Other platforms (Moodle) define placements themselves, if at all: Moodle lists
    # "ContentArea" for deep linking. Echo what the platform offers, invent nothing.
    deep_linking: dict[str, Any] = {
        "type": "LtiDeepLinkingRequest", "target_link_uri": urls.launch, "label": f"{name} task",
        "icon_uri": urls.icon,
    }
    if platform.placements.get("LtiDeepLinkingRequest"):
        deep_linking["placements"] = list(platform.placements["LtiDeepLinkingRequest"])
    return [
        {"type": "LtiResourceLinkRequest", "target_link_uri": urls.launch, "label": name,
         "icon_uri": urls.icon},
        deep_linking,
    ]


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
