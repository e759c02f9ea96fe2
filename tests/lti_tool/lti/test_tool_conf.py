"""pylti1p3 sees Worklink's registrations and keys through the database-backed ToolConf."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from lti_tool.lti import keys
from lti_tool.lti.registrations import add_registration
from lti_tool.lti.service_connector import SharedTokenServiceConnector
from lti_tool.lti.services import lti_services
from lti_tool.lti.tool_conf import DatabaseToolConf
from lti_tool.models import DeploymentStatus, Registration
from tests.loopback import LoopbackServer, QuietHandler


class TokenEndpoint:
    """A platform token endpoint on loopback that checks the tool's client assertion."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.requests: list[dict[str, list[str]]] = []
        self.user_agents: list[str] = []
        endpoint = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                endpoint.requests.append(form)
                endpoint.user_agents.append(self.headers.get("User-Agent", ""))
                assertion = form["client_assertion"][0]
                kid = jwt.get_unverified_header(assertion)["kid"]
                jwk = next(k for k in jwks["keys"] if k["kid"] == kid)
                jwt.decode(assertion, jwt.PyJWK(jwk).key, algorithms=["RS256"],
                           audience=endpoint.url)
                self.reply_json(200, {"access_token": f"token-{len(endpoint.requests)}",
                                      "token_type": "bearer", "expires_in": 3600})

        self.server = LoopbackServer(Handler)
        self.url = self.server.origin + "/token"


@pytest.fixture
def tool_conf(db: Session) -> DatabaseToolConf:
    keys.ensure_keys(db)
    db.commit()
    return DatabaseToolConf(db)


@pytest.fixture
def token_endpoint(db: Session, tool_conf: DatabaseToolConf) -> Iterator[TokenEndpoint]:
    endpoint = TokenEndpoint(keys.public_jwks(db))
    yield endpoint
    endpoint.server.close()


def _register(db: Session, token_url: str = "https://moodle.test/token") -> Registration:
    registration = add_registration(
        db, name="Moodle", issuer="https://moodle.test", client_id="abc",
        auth_login_url="https://moodle.test/auth", auth_token_url=token_url,
        key_set_url="https://moodle.test/certs", deployment_ids=["1"])
    db.commit()
    return registration


def test_registration_is_found_by_issuer_and_client_id(db: Session, tool_conf: DatabaseToolConf) -> None:
    _register(db)
    registration = tool_conf.find_registration_by_params("https://moodle.test", "abc")
    assert registration.get_client_id() == "abc"
    assert registration.get_auth_token_url() == "https://moodle.test/token"
    assert registration.get_kid() == keys.signing_key(db).kid
    with pytest.raises(LookupError):
        tool_conf.find_registration_by_params("https://moodle.test", "other")


def test_only_active_deployments_are_visible_to_pylti1p3(db: Session, tool_conf: DatabaseToolConf) -> None:
    registration = _register(db)
    assert tool_conf.find_deployment_by_params("https://moodle.test", "1", "abc") is not None
    registration.deployments[0].status = DeploymentStatus.PENDING
    db.commit()
    assert tool_conf.find_deployment_by_params("https://moodle.test", "1", "abc") is None
    assert tool_conf.find_deployment_by_params("https://moodle.test", "unknown", "abc") is None


def test_tool_jwks_comes_from_the_database(db: Session, tool_conf: DatabaseToolConf) -> None:
    jwks = tool_conf.get_jwks()
    assert keys.signing_key(db).kid in [k["kid"] for k in jwks["keys"]]
    assert all("d" not in k for k in jwks["keys"])


def test_service_tokens_are_shared_and_requested_once(db: Session, app: Flask,
                                                      tool_conf: DatabaseToolConf,
                                                      token_endpoint: TokenEndpoint) -> None:
    _register(db, token_url=token_endpoint.url)
    store = lti_services(app).store
    scopes = ["https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]
    with app.test_request_context():
        first = SharedTokenServiceConnector(
            tool_conf.find_registration_by_params("https://moodle.test", "abc"), store,
            lti_services(app).outbound)
        second = SharedTokenServiceConnector(  # another request, days later, another worker
            tool_conf.find_registration_by_params("https://moodle.test", "abc"), store,
            lti_services(app).outbound)
        assert first.get_access_token(scopes) == "token-1"
        assert second.get_access_token(scopes) == "token-1"
        assert second.get_access_token(["other-scope"]) == "token-2"
    assert len(token_endpoint.requests) == 2
    assert token_endpoint.user_agents[0].startswith("Worklink")
