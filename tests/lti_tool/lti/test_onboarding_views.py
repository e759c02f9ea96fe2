"""The registration page itself: where to start without a platform, the dialog that closes
itself under its own script nonce, and the limit on how often one address may start a
registration."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.config import Config
from tests.lti_tool.lti.registration_platform import FakePlatform, register_from

pytestmark = pytest.mark.usefixtures("no_registrations")


def test_without_openid_configuration_the_page_explains_where_to_start(client: FlaskClient) -> None:
    response = client.get("/lti/register")
    assert response.status_code == 400 and b"openid_configuration" in response.data


def test_the_close_script_runs_under_its_own_nonce(
    client: FlaskClient, moodle: FakePlatform
) -> None:
    response = register_from(client, moodle)
    policy = response.headers["Content-Security-Policy"]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.data
    assert "unsafe-inline" not in policy


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
    page = register_from(client, moodle).get_data(as_text=True)
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
