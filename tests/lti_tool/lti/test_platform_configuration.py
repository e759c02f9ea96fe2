"""Whether a platform's OpenID configuration is trusted: it must come from the issuer it names,
and no URL in it may point where Worklink does not connect (the page is anonymous)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.config import Config
from lti_tool.lti.errors import DynamicRegistrationError
from lti_tool.lti.platform_configuration import check_issuer, check_url
from lti_tool.outbound.configured import client_for
from tests.lti_tool.lti.registration_platform import FakePlatform, register_from, stored

pytestmark = pytest.mark.usefixtures("no_registrations")


def test_a_configuration_naming_another_issuer_is_refused(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    """A server hands out a configuration that claims to be another platform."""
    document = moodle.openid_configuration()
    document["issuer"] = "https://lms.other-school.example"
    moodle.override_config = document
    response = register_from(client, moodle)
    assert response.status_code == 400 and b"its own issuer" in response.data
    assert moodle.posted == [] and stored(db) == []


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
        check_issuer(config, client_for(config), issuer, url, product)
    else:
        with pytest.raises(DynamicRegistrationError):
            check_issuer(config, client_for(config), issuer, url, product)


def test_production_refuses_http_and_loopback_platforms(production: Config) -> None:
    client = client_for(production)
    with pytest.raises(DynamicRegistrationError, match="https"):
        check_url(production, client, "http://moodle.example/openid", "OpenID configuration URL")
    with pytest.raises(DynamicRegistrationError, match="loopback"):
        check_url(production, client, "https://127.0.0.1/openid", "OpenID configuration URL")


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
    assert stored(db) == []


def test_the_ipv4_mapped_loopback_of_the_issue_is_refused(
    production_client: FlaskClient, db: Session
) -> None:
    response = production_client.get("/lti/register?" + urlencode(
        {"openid_configuration": "https://[::ffff:127.0.0.1]:8444/"}))
    assert response.status_code == 400
    assert b"IPv4-mapped" in response.data
