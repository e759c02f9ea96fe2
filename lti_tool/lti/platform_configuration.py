"""The platform's OpenID configuration in Dynamic Registration: what Worklink keeps of it, and
the checks that decide whether it is trusted (its issuer, every URL in it).

The configuration comes from an anonymous request (whoever opens ``/lti/register`` names it), so
nothing in it is used before these checks pass.
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlsplit

from lti_tool.config import Config
from lti_tool.lti.errors import DynamicRegistrationError
from lti_tool.outbound.addresses import AddressRefused, HostUnresolved
from lti_tool.outbound.client import OutboundClient

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
CANVAS = "https://canvas.instructure.com/lti"

# Instructure-hosted Canvas names one issuer per environment for every school, while the
# OpenID configuration URL it hands out is on the school's own <school>.instructure.com host.
_CANVAS_CLOUD_ISSUERS = frozenset({
    "https://canvas.instructure.com",
    "https://canvas.beta.instructure.com",
    "https://canvas.test.instructure.com",
})


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
