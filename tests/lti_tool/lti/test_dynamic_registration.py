"""Dynamic Registration against a fake platform served over HTTP on 127.0.0.1.

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

from lti_tool.config import Config, DeploymentPolicy
from lti_tool.lti import dynamic_registration as dr
from lti_tool.models import DeploymentStatus, Registration
from lti_tool.outbound.configured import client_for
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


@pytest.fixture(autouse=True)
def no_registrations(db: Session) -> None:
    # SQLite keeps what an earlier test committed (see test_keys.no_keys).
    db.execute(delete(Registration))


def _register(client: FlaskClient, platform: FakePlatform, token: str | None = TOKEN) -> Any:
    query = {"openid_configuration": platform.configuration_url}
    if token:
        query["registration_token"] = token
    return client.get("/lti/register?" + urlencode(query))


def _stored(db: Session) -> list[Registration]:
    db.expire_all()
    return list(db.scalars(select(Registration)))


def test_moodle_registration_stores_client_and_deployment(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    response = _register(client, moodle)
    assert response.status_code == 200, response.data
    (registration,) = _stored(db)
    assert registration.issuer == moodle.origin
    assert registration.client_id == "moodle-client-1"
    assert registration.product == "moodle"
    assert registration.auth_login_url == f"{moodle.origin}/mod/lti/auth.php"
    assert registration.auth_token_url == f"{moodle.origin}/mod/lti/token.php"
    assert registration.key_set_url == f"{moodle.origin}/mod/lti/certs.php"
    assert [(d.deployment_id, d.status) for d in registration.deployments] == \
        [("7", DeploymentStatus.ACTIVE)]
    page = response.get_data(as_text=True)
    assert "org.imsglobal.lti.close" in page and "window.opener || window.parent" in page
    assert "moodle-client-1" in page
    # What Moodle 4.5 shows: a card marked "Pending" with "Activate" (no "Tools pending" list),
    # and a usage setting without which teachers do not find the tool in the activity chooser.
    assert "click “Activate” on the Worklink card (marked “Pending”)" in page
    assert "“Show in activity chooser and as a preconfigured tool”" in page


def test_moodle_is_sent_the_tool_document_it_needs(
    client: FlaskClient, moodle: FakePlatform
) -> None:
    _register(client, moodle)
    (posted,) = moodle.posted
    assert posted["initiate_login_uri"] == "https://worklink.test/lti/login"
    assert posted["redirect_uris"] == ["https://worklink.test/lti/launch"]
    assert posted["jwks_uri"] == "https://worklink.test/lti/jwks.json"
    # The icon Moodle's activity chooser shows, served by Worklink itself.
    assert posted["logo_uri"] == "https://worklink.test/static/worklink-icon.svg"
    assert set(posted["scope"].split()) == {
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
        "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
        "https://purl.imsglobal.org/spec/lti-ags/scope/score",
        "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
    }
    tool = posted[TOOL_CONFIGURATION]
    assert tool["domain"] == "worklink.test"
    assert tool["target_link_uri"] == "https://worklink.test/lti/launch"
    assert set(tool["claims"]) == {"iss", "sub", "name", "given_name", "family_name", "email"}
    messages = {m["type"]: m for m in tool["messages"]}
    assert messages["LtiDeepLinkingRequest"]["placements"] == ["ContentArea"]
    assert "placements" not in messages["LtiResourceLinkRequest"]
    assert {m["icon_uri"] for m in messages.values()} == {posted["logo_uri"]}
    assert "rubric" in tool["description"] and "gradebook" in tool["description"]
    # Moodle 4.5's tool card shows about four short lines of it before it scrolls.
    assert len(tool["description"]) <= 110
    assert not any(k.startswith("https://canvas.instructure.com") for k in tool)


def test_canvas_registration_asks_for_canvas_placements_and_privacy(
    client: FlaskClient, db: Session, canvas: FakePlatform
) -> None:
    response = _register(client, canvas)
    assert response.status_code == 200, response.data
    assert canvas.config_auth == [f"Bearer {TOKEN}"]  # Canvas guards its configuration too
    (posted,) = canvas.posted
    tool = posted[TOOL_CONFIGURATION]
    assert tool[f"{CANVAS}/privacy_level"] == "public"
    assert tool["custom_parameters"]["canvas_course_id"] == "$Canvas.course.id"
    messages = {m["type"]: m for m in tool["messages"]}
    navigation = messages["LtiResourceLinkRequest"]
    assert navigation["placements"] == ["course_navigation"]
    assert navigation[f"{CANVAS}/visibility"] == "admins"
    assert navigation[f"{CANVAS}/course_navigation/default_enabled"] is True
    assert messages["LtiDeepLinkingRequest"]["placements"] == [
        "assignment_selection", "link_selection",
    ]
    (registration,) = _stored(db)
    assert registration.product == "canvas"
    assert registration.name == "Canvas: Riverside College"
    assert registration.auth_audience is None  # token endpoint, not the bare host name
    # Canvas makes the deployment when the admin turns the tool on: the first launch brings it.
    assert registration.deployments == []


def test_pending_policy_holds_the_new_deployment_for_an_operator(
    config: Config, db: Session, moodle: FakePlatform, caplog: pytest.LogCaptureFixture
) -> None:
    import dataclasses
    pending = dataclasses.replace(config, unknown_deployment_policy=DeploymentPolicy.PENDING)
    with caplog.at_level("WARNING", logger="lti_tool.lti.dynamic_registration"):
        outcome = dr.register(db, pending, client_for(pending), moodle.configuration_url, TOKEN)
    assert outcome.deployment_status is DeploymentStatus.PENDING
    assert outcome.registration.deployments[0].status is DeploymentStatus.PENDING
    assert any("'7'" in r.getMessage() and "waits for an operator" in r.getMessage()
               for r in caplog.records)


def test_a_wrong_registration_token_is_a_clear_error_and_stores_nothing(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    response = _register(client, moodle, token="not-the-token")
    assert response.status_code == 502
    assert b"HTTP 401" in response.data
    assert _stored(db) == []


def test_a_platform_refusal_is_reported_without_echoing_its_body(
    client: FlaskClient, db: Session, canvas: FakePlatform
) -> None:
    """The anonymous page must not read out what an (internal) server answered."""
    canvas.registration_status = 422
    response = _register(client, canvas)
    assert response.status_code == 502
    assert b"HTTP 422" in response.data and b"refused" not in response.data
    assert _stored(db) == []


def test_an_unreachable_configuration_is_a_clear_error(client: FlaskClient, db: Session) -> None:
    response = client.get("/lti/register?" + urlencode(
        {"openid_configuration": "http://127.0.0.1:9/openid-configuration"}))
    assert response.status_code == 502
    assert b"could not reach" in response.data
    assert _stored(db) == []


def test_a_configuration_that_is_not_json_is_refused(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    moodle.raw_config = b"<html>login page</html>"
    response = _register(client, moodle)
    assert response.status_code == 502 and b"did not send JSON" in response.data
    assert moodle.posted == [] and _stored(db) == []


def test_an_oversized_configuration_is_refused(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    moodle.raw_config = b"{" + b" " * (dr.MAX_DOCUMENT_BYTES + 10) + b"}"
    response = _register(client, moodle)
    assert response.status_code == 502 and b"KiB" in response.data
    assert _stored(db) == []


def test_a_configuration_naming_another_issuer_is_refused(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    """A server hands out a configuration that claims to be another platform."""
    document = moodle.openid_configuration()
    document["issuer"] = "https://lms.other-school.example"
    moodle.override_config = document
    response = _register(client, moodle)
    assert response.status_code == 400 and b"its own issuer" in response.data
    assert moodle.posted == [] and _stored(db) == []


def test_moodles_update_of_a_known_tool_updates_the_registration(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    """Moodle's "Update" re-runs registration with the same client id: no 409, one row."""
    assert _register(client, moodle).status_code == 200
    (first,) = _stored(db)
    first.deployments[0].status = DeploymentStatus.DISABLED  # the operator's decision
    db.commit()
    document = moodle.openid_configuration()
    document["jwks_uri"] = f"{moodle.origin}/mod/lti/certs.php?v=2"
    moodle.override_config = document
    again = _register(client, moodle)
    assert again.status_code == 200, again.data
    assert b"updated" in again.data
    # Moodle keeps an updated tool active but resets where it shows.
    assert "“Tool configuration usage”" in again.get_data(as_text=True)
    assert "Activate" not in again.get_data(as_text=True)
    (registration,) = _stored(db)
    assert registration.id == first.id
    assert registration.key_set_url == f"{moodle.origin}/mod/lti/certs.php?v=2"
    assert [(d.deployment_id, d.status) for d in registration.deployments] == \
        [("7", DeploymentStatus.DISABLED)]


def test_an_update_leaves_a_disabled_registration_disabled(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    assert _register(client, moodle).status_code == 200
    (registration,) = _stored(db)
    registration.disabled_at = registration.created_at
    db.commit()
    assert _register(client, moodle).status_code == 200
    (registration,) = _stored(db)
    assert registration.disabled_at is not None


def test_a_new_client_id_for_a_known_issuer_is_a_second_registration(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    assert _register(client, moodle).status_code == 200
    moodle.client_id = "moodle-client-2"
    assert _register(client, moodle).status_code == 200
    assert sorted(r.client_id for r in _stored(db)) == ["moodle-client-1", "moodle-client-2"]


def test_without_openid_configuration_the_page_explains_where_to_start(client: FlaskClient) -> None:
    response = client.get("/lti/register")
    assert response.status_code == 400 and b"openid_configuration" in response.data


def test_the_close_script_runs_under_its_own_nonce(
    client: FlaskClient, moodle: FakePlatform
) -> None:
    response = _register(client, moodle)
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.data
    assert "unsafe-inline" not in policy


MOODLE_CONFIG = "/mod/lti/openid-configuration.php"
CANVAS_CONFIG = "/api/lti/security/openid-configuration"


@pytest.mark.parametrize(("issuer", "url", "product", "accepted"), [
    ("https://moodle.example", f"https://moodle.example{MOODLE_CONFIG}", "moodle", True),
    ("https://example.edu/moodle", f"https://example.edu/moodle{MOODLE_CONFIG}", "moodle", True),
    ("https://canvas.instructure.com", f"https://riverside.instructure.com{CANVAS_CONFIG}",
     "canvas", True),
    ("https://canvas.instructure.com", f"https://evil.example{CANVAS_CONFIG}", "canvas", False),
    ("https://canvas.instructure.com", "https://riverside.instructure.com/x", "moodle", False),
    ("https://moodle.example", "https://moodle.example:8443/openid", "moodle", False),
    ("https://moodle.example?x=1", "https://moodle.example/openid", "moodle", False),
])
def test_issuer_must_match_the_configuration_origin(
    config: Config, issuer: str, url: str, product: str, accepted: bool
) -> None:
    if accepted:
        dr.check_issuer(config, client_for(config), issuer, url, product)
    else:
        with pytest.raises(dr.DynamicRegistrationError):
            dr.check_issuer(config, client_for(config), issuer, url, product)


def test_production_refuses_http_and_loopback_platforms(production: Config) -> None:
    client = client_for(production)
    with pytest.raises(dr.DynamicRegistrationError, match="https"):
        dr.check_url(production, client, "http://moodle.example/openid", "OpenID configuration URL")
    with pytest.raises(dr.DynamicRegistrationError, match="loopback"):
        dr.check_url(production, client, "https://127.0.0.1/openid", "OpenID configuration URL")


@pytest.fixture
def production(tmp_path: Any, database_url: str) -> Config:
    """The configuration a production server starts with: nothing allowed beyond the rules."""
    return Config.from_env({
        "WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": "x" * 40,
        "WORKLINK_DATABASE_URL": database_url, "WORKLINK_BASE_URL": "https://worklink.test",
        "WORKLINK_INSTANCE_DIR": str(tmp_path),
    })


@pytest.fixture
def production_client(production: Config, connection: Any) -> FlaskClient:
    from lti_tool.app import create_app
    from lti_tool.db import Database
    return create_app(production, database=Database(production.database_url,
                                                    bind=connection)).test_client()


class _Listener:
    """A TCP port on 127.0.0.1 that records whether anything connected to it."""

    def __init__(self) -> None:
        import socket
        import threading
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.mark.parametrize("template", [
    "https://[::ffff:127.0.0.1]:{port}/mod/lti/openid-configuration.php",  # IPv4-mapped
    "https://[::ffff:7f00:1]:{port}/openid",                                # the same, in hex
    "https://[::127.0.0.1]:{port}/openid",                                  # IPv4-compatible
    "https://127.0.0.1:{port}/openid",
    "https://[::1]:{port}/openid",
    "https://169.254.169.254/latest/meta-data/",                          # cloud metadata
    "https://10.1.2.3/openid",                                              # private, not allowed
    "https://[2002:7f00:1::]:{port}/openid",                                # 6to4 around 127.0.0.1
])
def test_the_registration_page_refuses_internal_addresses_in_production(
    production_client: FlaskClient, db: Session, template: str
) -> None:
    """An anonymous visitor points the registration page at the Worklink server itself."""
    listener = _Listener()
    try:
        url = template.format(port=listener.port)
        response = production_client.get("/lti/register?" + urlencode(
            {"openid_configuration": url}))
    finally:
        listener.close()
    assert response.status_code == 400, response.data
    assert b"does not connect to" in response.data
    assert listener.connections == 0
    assert _stored(db) == []


def test_the_ipv4_mapped_loopback_of_the_issue_is_refused(
    production_client: FlaskClient, db: Session
) -> None:
    response = production_client.get("/lti/register?" + urlencode(
        {"openid_configuration": "https://[::ffff:127.0.0.1]:8444/"}))
    assert response.status_code == 400
    assert b"IPv4-mapped" in response.data


def test_the_registration_page_is_rate_limited_per_client_address(
    client: FlaskClient, db: Session
) -> None:
    from lti_tool.lti.onboarding_views import REGISTRATIONS_PER_CLIENT
    query = "/lti/register?" + urlencode({"openid_configuration": "http://127.0.0.1:9/x"})
    answers = [client.get(query, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
               for _ in range(REGISTRATIONS_PER_CLIENT + 1)]
    assert answers[:-1] == [502] * REGISTRATIONS_PER_CLIENT  # each one tried (nothing listens)
    assert answers[-1] == 429
    other = client.get(query, environ_base={"REMOTE_ADDR": "198.51.100.8"})
    assert other.status_code == 502


def test_the_dialog_stays_long_enough_to_read_before_it_closes(
    client: FlaskClient, moodle: FakePlatform
) -> None:
    """It used to post the close message as the page loaded: the admin never saw the result."""
    from lti_tool.lti.onboarding_views import CLOSE_AFTER_SECONDS
    assert CLOSE_AFTER_SECONDS >= 5
    page = _register(client, moodle).get_data(as_text=True)
    assert f'This window closes in <span id="seconds">{CLOSE_AFTER_SECONDS}</span> seconds' in page
    assert 'id="stay"' in page  # and it can be kept open
    script = page.split("<script", 1)[1].split("</script>", 1)[0]
    # close() runs only from the countdown's end and the button, never on its own at load.
    calls = [line.strip() for line in script.splitlines() if "close()" in line
             and not line.strip().startswith(("function close", "//"))]
    assert calls == ['if (left <= 0) { window.clearInterval(timer); close(); }']
    assert 'addEventListener("click", close)' in script


def test_behind_a_proxy_the_limit_counts_the_forwarded_client(
    config: Config, connection: Any, db: Session
) -> None:
    import dataclasses

    from lti_tool.app import create_app
    from lti_tool.db import Database
    from lti_tool.lti.onboarding_views import REGISTRATIONS_PER_CLIENT
    behind = dataclasses.replace(config, proxy_hops=1)
    client = create_app(behind, database=Database(config.database_url, bind=connection)).test_client()
    query = "/lti/register?" + urlencode({"openid_configuration": "http://127.0.0.1:9/x"})
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(REGISTRATIONS_PER_CLIENT):
        client.get(query, environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.5"})
    assert client.get(query, environ_base=proxy,
                      headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 429
    assert client.get(query, environ_base=proxy,
                      headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 502
