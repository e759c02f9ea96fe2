"""A fake LMS's Dynamic Registration endpoints, served over HTTP on 127.0.0.1.

The fake serves an OpenID configuration shaped like Moodle's or Canvas's, and a registration
endpoint that checks the Bearer token and the posted document the way those platforms do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.models import Registration
from tests.loopback import LoopbackServer, QuietHandler

TOKEN = "registration-token-123"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
CANVAS = "https://canvas.instructure.com/lti"


class FakePlatform:
    """An LMS's two DR endpoints; records what Worklink posted."""

    def __init__(self, product: str) -> None:
        self.product = product
        self.posted: list[dict[str, Any]] = []
        self.config_auth: list[str | None] = []
        self.registration_status = 200
        self.override_config: dict[str, Any] | None = None
        self.raw_config: bytes | None = None
        self.client_id = f"{product}-client-1"
        platform = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                platform.config_auth.append(self.headers.get("Authorization"))
                if platform.raw_config is not None:
                    self.reply(200, platform.raw_config)
                    return
                self.reply_json(200, platform.override_config or platform.openid_configuration())

            def do_POST(self) -> None:  # noqa: N802
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    self.reply_json(401, {"error": "invalid registration token"})
                    return
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                platform.posted.append(body)
                problem = platform.check(body)
                if problem or platform.registration_status != 200:
                    self.reply_json(problem and 400 or platform.registration_status,
                                    {"error": problem or "refused"})
                    return
                self.reply_json(200, platform.answer(body))

        self.server = LoopbackServer(Handler)
        self.origin = self.server.origin

    @property
    def configuration_url(self) -> str:
        if self.product == "moodle":
            return f"{self.origin}/mod/lti/openid-configuration.php"
        return f"{self.origin}/api/lti/security/openid-configuration"

    def openid_configuration(self) -> dict[str, Any]:
        o = self.origin
        if self.product == "moodle":
            return {
                "issuer": o,
                "token_endpoint": f"{o}/mod/lti/token.php",
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                "jwks_uri": f"{o}/mod/lti/certs.php",
                "authorization_endpoint": f"{o}/mod/lti/auth.php",
                "registration_endpoint": f"{o}/mod/lti/openid-registration.php",
                "scopes_supported": [
                    "https://purl.imsglobal.org/spec/lti-bo/scope/basicoutcome",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
                    "openid",
                ],
                "response_types_supported": ["id_token"],
                "subject_types_supported": ["public", "pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
                PLATFORM_CONFIGURATION: {
                    "product_family_code": "moodle",
                    "version": "4.5",
                    "messages_supported": [
                        {"type": "LtiResourceLinkRequest"},
                        {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]},
                    ],
                    "variables": ["basic-lti-launch-request", "Context.id"],
                },
            }
        return {
            # Hosted Canvas: one issuer for every school; this fake is the school's host.
            "issuer": o,
            "authorization_endpoint": f"{o}/api/lti/authorize_redirect",
            "registration_endpoint": f"{o}/api/lti/registrations",
            "jwks_uri": f"{o}/api/lti/security/jwks",
            "token_endpoint": f"{o}/login/oauth2/token",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "scopes_supported": [
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
                "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
                "https://canvas.instructure.com/lti/public_jwk/scope/update",
            ],
            "response_types_supported": ["id_token"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "authorization_server": "canvas.instructure.com",
            PLATFORM_CONFIGURATION: {
                "product_family_code": "canvas",
                "version": "vCloud",
                "messages_supported": [
                    {"type": "LtiResourceLinkRequest",
                     "placements": ["account_navigation", "course_navigation", "link_selection"]},
                    {"type": "LtiDeepLinkingRequest",
                     "placements": ["assignment_selection", "link_selection", "editor_button"]},
                ],
                "https://canvas.instructure.com/lti/account_name": "Riverside College",
            },
        }

    def check(self, body: dict[str, Any]) -> str | None:
        """What Canvas's schema and Moodle's registration helper require."""
        expected = {
            "application_type": "web", "response_types": ["id_token"],
            "token_endpoint_auth_method": "private_key_jwt",
        }
        for name, value in expected.items():
            if body.get(name) != value:
                return f"{name} must be {value!r}"
        if sorted(body.get("grant_types", [])) != ["client_credentials", "implicit"]:
            return "grant_types"
        for name in ("initiate_login_uri", "jwks_uri", "client_name", "scope"):
            if not body.get(name):
                return f"{name} missing"
        if not isinstance(body.get("redirect_uris"), list) or not body["redirect_uris"]:
            return "redirect_uris"
        tool = body.get(TOOL_CONFIGURATION)
        if not isinstance(tool, dict):
            return "tool configuration missing"
        for name in ("domain", "target_link_uri", "claims", "messages"):
            if not tool.get(name):
                return f"tool configuration {name} missing"
        return None

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        answer = {**body, "client_id": self.client_id}
        if self.product == "moodle":  # Moodle assigns the site-level deployment at once
            answer[TOOL_CONFIGURATION] = {**body[TOOL_CONFIGURATION], "deployment_id": "7"}
        return answer

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def moodle() -> Iterator[FakePlatform]:
    platform = FakePlatform("moodle")
    yield platform
    platform.close()


@pytest.fixture
def canvas() -> Iterator[FakePlatform]:
    platform = FakePlatform("canvas")
    yield platform
    platform.close()


@pytest.fixture
def no_registrations(db: Session) -> None:
    # SQLite keeps what an earlier test committed (see test_keys.no_keys).
    db.execute(delete(Registration))


def register_from(client: FlaskClient, platform: FakePlatform, token: str | None = TOKEN) -> Any:
    """Open ``/lti/register`` as the platform's admin dialog does."""
    query = {"openid_configuration": platform.configuration_url}
    if token:
        query["registration_token"] = token
    return client.get("/lti/register?" + urlencode(query))


def stored(db: Session) -> list[Registration]:
    db.expire_all()
    return list(db.scalars(select(Registration)))
