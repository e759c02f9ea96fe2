"""Fixtures for the sandbox LMS: the app with the sandbox mounted, people, and a stand-in tool key.

The sandbox verifies what the tool signs. These tests sign as the tool with a key of their own,
handed to the sandbox as the tool's published key set, so they do not depend on how Worklink's
own keys are made.
"""

from __future__ import annotations

import dataclasses
import html
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import Connection

from lti_tool.app import create_app
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.sandbox.platform import Sandbox

BASE = "https://worklink.test"
ISSUER = f"{BASE}/sandbox"
CLIENT_ID = "worklink-sandbox"
DEPLOYMENT_ID = "sandbox-deployment-1"
TOKEN_URL = f"{ISSUER}/token"
PEOPLE = {"Rivera": 1, "Amani": 2, "Bao": 3, "Carmen": 4}
ALL_SCOPES = " ".join([
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
])


@dataclasses.dataclass(frozen=True)
class SigningKey:
    private: rsa.RSAPrivateKey
    kid: str

    @property
    def jwks(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256",
                          headers={"kid": kid or self.kid})


def _new_key(kid: str) -> SigningKey:
    return SigningKey(rsa.generate_private_key(public_exponent=65537, key_size=2048), kid)


@pytest.fixture(scope="session")
def tool_key() -> SigningKey:
    return _new_key("test-tool-key")


@pytest.fixture(scope="session")
def stranger_key() -> SigningKey:
    """A key the sandbox has never seen, published under the tool's kid."""
    return _new_key("test-tool-key")


@pytest.fixture
def sandbox_config(config: Config) -> Config:
    return dataclasses.replace(config, sandbox=True, base_url=BASE)


@pytest.fixture
def sandbox_app(sandbox_config: Config, connection: Connection, tool_key: SigningKey) -> Flask:
    app = create_app(sandbox_config, database=Database(sandbox_config.database_url, bind=connection))
    sb: Sandbox = app.extensions["worklink.sandbox"]
    sb.tool_keys = lambda: tool_key.jwks
    return app


@pytest.fixture
def sb(sandbox_app: Flask) -> Sandbox:
    return sandbox_app.extensions["worklink.sandbox"]  # type: ignore[no-any-return]


@pytest.fixture
def lms(sandbox_app: Flask) -> FlaskClient:
    return sandbox_app.test_client()


def sign_in(client: FlaskClient, who: str) -> None:
    response = client.post("/sandbox/sign-in", data={"person": PEOPLE[who]})
    assert response.status_code == 303


def frame_login_params(page_html: str) -> dict[str, str]:
    """The query of the tool login URL the launch iframe opens."""
    src = html.unescape(re.search(r'<iframe[^>]*src="([^"]+)"', page_html).group(1))  # type: ignore[union-attr]
    assert src.startswith(f"{BASE}/lti/login?")
    return {k: v[0] for k, v in parse_qs(urlsplit(src).query).items()}


def auth_request(login: dict[str, str], **overrides: str) -> str:
    """What Worklink's login step redirects to: the platform's OIDC auth request."""
    params = {
        "scope": "openid", "response_type": "id_token", "response_mode": "form_post",
        "prompt": "none", "client_id": login["client_id"], "redirect_uri": f"{BASE}/lti/launch",
        "login_hint": login["login_hint"], "lti_message_hint": login["lti_message_hint"],
        "state": "state-123", "nonce": "nonce-456",
    }
    params.update(overrides)
    return "/sandbox/auth?" + urlencode(params)


def posted_fields(page_html: str) -> dict[str, str]:
    return {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page_html)}


@pytest.fixture
def launch_token(lms: FlaskClient) -> Callable[..., str]:
    """Sign in, open a placement (or start deep linking), answer the login: the id_token."""

    def launch(who: str, placement_id: int = 1, *, deep_link: bool = False) -> str:
        sign_in(lms, who)
        if deep_link:
            page = lms.post("/sandbox/add-content", follow_redirects=True)
        else:
            page = lms.get(f"/sandbox/launch/{placement_id}")
        assert page.status_code == 200
        answer = lms.get(auth_request(frame_login_params(page.get_data(as_text=True))))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return posted_fields(answer.get_data(as_text=True))["id_token"]

    return launch


@pytest.fixture
def client_assertion(tool_key: SigningKey) -> Callable[..., str]:
    def make(key: SigningKey | None = None, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": TOKEN_URL,
                                  "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
        claims.update(overrides)
        return (key or tool_key).sign({k: v for k, v in claims.items() if v is not None})

    return make


@pytest.fixture
def bearer(lms: FlaskClient, client_assertion: Callable[..., str]) -> Callable[..., dict[str, str]]:
    """An Authorization header for the sandbox's services, got the way a tool gets it."""

    def get(scope: str = ALL_SCOPES) -> dict[str, str]:
        response = lms.post("/sandbox/token", data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": client_assertion(), "scope": scope,
        })
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['access_token']}"}

    return get
