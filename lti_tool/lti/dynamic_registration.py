"""1EdTech LTI Dynamic Registration 1.0, tool side: how Moodle and Canvas install Worklink.

The platform opens ``/lti/register?openid_configuration=…&registration_token=…``. Worklink
fetches the platform's OpenID configuration, checks that it speaks for the issuer it names,
posts its own client registration to the platform's ``registration_endpoint``, and stores the
``client_id`` (and ``deployment_id``, when the platform assigns one at once) it gets back.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lti_tool.config import Config, DeploymentPolicy
from lti_tool.lti.registrations import RegistrationError, add_registration
from lti_tool.lti.tool_profile import (
    CANVAS_CUSTOM_FIELDS,
    CLAIMS,
    CUSTOM_PARAMETERS,
    DESCRIPTION,
    SCOPES,
    ToolUrls,
)
from lti_tool.models import DeploymentStatus, Registration

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS = "https://canvas.instructure.com/lti"
MAX_DOCUMENT_BYTES = 256 * 1024
USER_AGENT = "Worklink (LTI 1.3 tool; dynamic registration)"

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


def register(
    session: Session, config: Config, openid_configuration: str, registration_token: str | None
) -> RegistrationOutcome:
    """Run the whole exchange and store the registration; commits, or stores nothing."""
    platform = fetch_platform_configuration(config, openid_configuration, registration_token)
    document = tool_registration(config, platform)
    answer = _post_json(config, platform.registration_endpoint, document, registration_token)
    client_id = answer.get("client_id")
    if not isinstance(client_id, (str, int)) or str(client_id) == "":
        raise DynamicRegistrationError(
            "The platform accepted the registration but sent no client_id back.", status=502
        )
    tool_part = answer.get(TOOL_CONFIGURATION)
    deployment_id = tool_part.get("deployment_id") if isinstance(tool_part, dict) else None
    deployment_ids = [str(deployment_id)] if deployment_id not in (None, "") else []
    try:
        registration = add_registration(
            session,
            name=_registration_name(platform),
            issuer=platform.issuer,
            client_id=str(client_id),
            auth_login_url=platform.authorization_endpoint,
            auth_token_url=platform.token_endpoint,
            key_set_url=platform.jwks_uri,
            auth_audience=_audience(platform),
            product=platform.product or "other",
            deployment_ids=deployment_ids,
        )
        status = None
        if registration.deployments:
            # /lti/register is public by nature (the LMS admin opens it from the LMS), so a
            # deployment it creates is trusted exactly as much as one first seen in a launch.
            status = (DeploymentStatus.PENDING
                      if config.unknown_deployment_policy is DeploymentPolicy.PENDING
                      else DeploymentStatus.ACTIVE)
            registration.deployments[0].status = status
        session.commit()
    except RegistrationError as exc:
        session.rollback()
        raise DynamicRegistrationError(
            f"Worklink already knows this platform registration: {exc}.", status=409,
            hint="Remove the duplicate tool in the LMS, or the old registration in Worklink.",
        ) from None
    except IntegrityError:
        session.rollback()
        raise DynamicRegistrationError(
            "This platform registration was stored by another request at the same moment.",
            status=409,
        ) from None
    return RegistrationOutcome(registration, deployment_ids[0] if deployment_ids else None,
                               status, platform)


def fetch_platform_configuration(
    config: Config, url: str, registration_token: str | None
) -> PlatformConfiguration:
    """GET the OpenID configuration (Canvas wants the registration token here too)."""
    check_url(config, url, "OpenID configuration URL")
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    document = _read_json(config, "GET", url, headers=headers)
    return parse_platform_configuration(config, url, document)


def parse_platform_configuration(
    config: Config, url: str, document: dict[str, Any]
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
    check_issuer(config, issuer, url, product)
    endpoints = {
        name: required(name)
        for name in (
            "authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"
        )
    }
    for name, endpoint in endpoints.items():
        check_url(config, endpoint, name)
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


def check_issuer(config: Config, issuer: str, configuration_url: str, product: str | None) -> None:
    """The configuration must come from the issuer it names (DR 1.0 §3.5.1).

    Otherwise any server could hand out a configuration naming someone else's issuer.
    """
    parts = urlsplit(issuer)
    if parts.query or parts.fragment:
        raise DynamicRegistrationError(f"The platform issuer {issuer!r} has a query or fragment.")
    check_url(config, issuer, "issuer", resolve=False)
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


def check_url(config: Config, url: str, label: str, *, resolve: bool = True) -> None:
    """https (http only outside production), no fragment, and never a loopback or
    link-local target in production: this URL came from an anonymous request."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise DynamicRegistrationError(f"The platform's {label} is not a web address: {url!r}.")
    if parts.scheme == "http" and config.is_production:
        raise DynamicRegistrationError(f"The platform's {label} must use https: {url}.")
    if parts.fragment:
        raise DynamicRegistrationError(f"The platform's {label} must not have a fragment: {url}.")
    if config.is_production and resolve:
        _refuse_internal_host(parts.hostname, label)


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
                "placements": offered("LtiResourceLinkRequest", "course_navigation"),
                # The teacher's course view: "admins" in a course means teachers and admins.
                f"{CANVAS}/course_navigation/default_enabled": True,
                f"{CANVAS}/visibility": "admins",
            },
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": urls.launch,
                "label": f"{name} task",
                "placements": offered(
                    "LtiDeepLinkingRequest", "assignment_selection", "link_selection"
                ),
            },
        ]
    # Other platforms (Moodle) define placements themselves, if at all: Moodle lists
    # "ContentArea" for deep linking. Echo what the platform offers, invent nothing.
    deep_linking: dict[str, Any] = {
        "type": "LtiDeepLinkingRequest", "target_link_uri": urls.launch, "label": f"{name} task",
    }
    if platform.placements.get("LtiDeepLinkingRequest"):
        deep_linking["placements"] = list(platform.placements["LtiDeepLinkingRequest"])
    return [
        {"type": "LtiResourceLinkRequest", "target_link_uri": urls.launch, "label": name},
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
    config: Config, url: str, document: dict[str, Any], registration_token: str | None
) -> dict[str, Any]:
    headers = {"Accept": "application/json", "Content-Type": "application/json",
               "User-Agent": USER_AGENT}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    return _read_json(config, "POST", url, headers=headers, body=json.dumps(document))


def _read_json(
    config: Config, method: str, url: str, *, headers: dict[str, str], body: str | None = None
) -> dict[str, Any]:
    what = "registration endpoint" if method == "POST" else "OpenID configuration"
    try:
        with requests.request(method, url, headers=headers, data=body, stream=True,
                              allow_redirects=False, timeout=config.http_timeout_seconds) as reply:
            content = _bounded_body(reply, what)
            status = reply.status_code
    except requests.RequestException as exc:
        raise DynamicRegistrationError(
            f"Worklink could not reach the platform's {what} at {url}.", status=502,
            hint=f"{type(exc).__name__}: check that the LMS is reachable from the Worklink server.",
        ) from None
    if status >= 300:
        detail = content[:300].decode("utf-8", "replace").strip()
        raise DynamicRegistrationError(
            f"The platform's {what} answered HTTP {status}.", status=502,
            hint=(f"The platform said: {detail}" if detail else None),
        )
    try:
        parsed = json.loads(content)
    except ValueError:
        raise DynamicRegistrationError(
            f"The platform's {what} did not send JSON.", status=502
        ) from None
    if not isinstance(parsed, dict):
        raise DynamicRegistrationError(f"The platform's {what} did not send a JSON object.",
                                       status=502)
    return parsed


def _bounded_body(reply: requests.Response, what: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in reply.iter_content(16 * 1024):
        size += len(chunk)
        if size > MAX_DOCUMENT_BYTES:
            raise DynamicRegistrationError(
                f"The platform's {what} sent more than {MAX_DOCUMENT_BYTES // 1024} KiB.",
                status=502,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _refuse_internal_host(host: str, label: str) -> None:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        raise DynamicRegistrationError(f"The platform's {label} host {host} does not resolve.",
                                       status=502) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        # Private ranges stay allowed (an on-premises Moodle); loopback and link-local
        # (cloud metadata services) never name an LMS.
        if address.is_loopback or address.is_link_local or address.is_unspecified \
                or address.is_multicast:
            raise DynamicRegistrationError(
                f"The platform's {label} points at an internal address ({address})."
            )
