"""A test platform: its own RSA keys, a JWKS served over HTTP on loopback, and id_tokens it signs."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask.testing import FlaskClient
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from lti_tool.lti.registrations import add_registration
from lti_tool.models import Registration
from tests.loopback import LoopbackServer, QuietHandler
from tests.lti_tool.lti.registration_platform import (  # noqa: F401  (fixtures)
    canvas,
    moodle,
    no_registrations,
)

ISSUER = "https://platform.test"
CLIENT_ID = "worklink-client"
DEPLOYMENT_ID = "deployment-1"
TOOL = "https://worklink.test"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/membership#"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"


class JwksServer:
    """A real HTTP server for the platform's JWKS that counts how often it is asked."""

    def __init__(self) -> None:
        self.jwks: dict[str, Any] = {"keys": []}
        self.hits = 0
        self.cache_control = "max-age=3600"
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.hits += 1
                self.reply_json(200, server.jwks, headers={"Cache-Control": server.cache_control})

        self.server = LoopbackServer(Handler)
        self.url = self.server.origin + "/jwks.json"

    def close(self) -> None:
        self.server.close()


class Platform:
    def __init__(self, jwks_server: JwksServer) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "platform-key-1"
        self.server = jwks_server
        self.publish(self.key, self.kid)

    def publish(self, key: rsa.RSAPrivateKey, kid: str) -> None:
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        jwk.update(kid=kid, alg="RS256", use="sig")
        self.server.jwks = {"keys": [jwk]}

    def claims(self, nonce: str, /, role: str = "Instructor", **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": ISSUER, "aud": CLIENT_ID, "sub": "user-123", "iat": now, "exp": now + 300,
            "nonce": nonce, "name": "Ada Rivera", "given_name": "Ada", "family_name": "Rivera",
            "email": "ada@school.test",
            LTI + "message_type": "LtiResourceLinkRequest",
            LTI + "version": "1.3.0",
            LTI + "deployment_id": DEPLOYMENT_ID,
            LTI + "target_link_uri": TOOL + "/lti/launch",
            LTI + "roles": [LIS + role],
            LTI + "context": {"id": "course-7", "title": "Health Science Pathway", "label": "HSP"},
            LTI + "resource_link": {"id": "link-1", "title": "Job shadow"},
        }
        for name, value in overrides.items():
            key = LTI + name[4:] if name.startswith("lti_") else name
            if value is REMOVE:
                body.pop(key, None)
            else:
                body[key] = value
        return body

    def sign(self, body: dict[str, Any], *, headers: dict[str, Any] | None = None,
             key: Any = None, algorithm: str = "RS256") -> str:
        return jwt.encode(body, key if key is not None else self.key, algorithm=algorithm,
                          headers={"kid": self.kid} if headers is None else headers)


REMOVE = object()


@pytest.fixture(scope="session")
def jwks_server() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def platform(jwks_server: JwksServer) -> Platform:
    return Platform(jwks_server)


@pytest.fixture
def registration(db: Session, platform: Platform) -> Registration:
    registration = add_registration(
        db, name="Test platform", issuer=ISSUER, client_id=CLIENT_ID,
        auth_login_url=ISSUER + "/auth", auth_token_url=ISSUER + "/token",
        key_set_url=platform.server.url, deployment_ids=[DEPLOYMENT_ID],
    )
    db.commit()
    return registration


class Flow:
    """Drives login and launch the way a browser in an LMS iframe would."""

    def __init__(self, client: FlaskClient, platform: Platform) -> None:
        self.client = client
        self.platform = platform

    def login(self, **params: str) -> tuple[str, str]:
        query = {"iss": ISSUER, "login_hint": "user-123", "target_link_uri": TOOL + "/lti/launch",
                 "client_id": CLIENT_ID, "lti_deployment_id": DEPLOYMENT_ID, **params}
        response = self.client.get("/lti/login", query_string=query)
        assert response.status_code == 302, response.get_data(as_text=True)
        location = parse_qs(urlparse(response.headers["Location"]).query)
        return location["state"][0], location["nonce"][0]

    def post(self, id_token: str, state: str) -> TestResponse:
        return self.client.post("/lti/launch", data={"id_token": id_token, "state": state})

    def launch(self, build: Callable[[str], str] | None = None, **overrides: Any) -> TestResponse:
        """Log in, then post a token made by ``build(nonce)`` or by the platform with overrides."""
        state, nonce = self.login()
        token = build(nonce) if build else self.platform.sign(self.platform.claims(nonce, **overrides))
        return self.post(token, state)


@pytest.fixture
def flow(client: FlaskClient, platform: Platform, registration: Registration) -> Flow:
    return Flow(client, platform)


def new_kid() -> str:
    return uuid.uuid4().hex
