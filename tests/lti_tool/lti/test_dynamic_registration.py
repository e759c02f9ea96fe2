"""Dynamic Registration, the whole exchange with a fake Moodle or Canvas on loopback
(registration_platform.py): what Worklink stores, and each failure reported with nothing stored.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from lti_tool.config import Config, DeploymentPolicy
from lti_tool.lti import dynamic_registration as dr
from lti_tool.models import DeploymentStatus
from lti_tool.outbound.configured import client_for
from tests.lti_tool.lti.registration_platform import TOKEN, FakePlatform, register_from, stored

pytestmark = pytest.mark.usefixtures("no_registrations")


def test_moodle_registration_stores_client_and_deployment(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    response = register_from(client, moodle)
    assert response.status_code == 200, response.data
    (registration,) = stored(db)
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


def test_canvas_registration_stores_the_account_and_waits_for_the_first_launch(
    client: FlaskClient, db: Session, canvas: FakePlatform
) -> None:
    response = register_from(client, canvas)
    assert response.status_code == 200, response.data
    assert canvas.config_auth == [f"Bearer {TOKEN}"]  # Canvas guards its configuration too
    (registration,) = stored(db)
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
    response = register_from(client, moodle, token="not-the-token")
    assert response.status_code == 502
    assert b"HTTP 401" in response.data
    assert stored(db) == []


def test_a_platform_refusal_is_reported_without_echoing_its_body(
    client: FlaskClient, db: Session, canvas: FakePlatform
) -> None:
    """The anonymous page must not read out what an (internal) server answered."""
    canvas.registration_status = 422
    response = register_from(client, canvas)
    assert response.status_code == 502
    assert b"HTTP 422" in response.data and b"refused" not in response.data
    assert stored(db) == []


def test_an_unreachable_configuration_is_a_clear_error(client: FlaskClient, db: Session) -> None:
    response = client.get("/lti/register?" + urlencode(
        {"openid_configuration": "http://127.0.0.1:9/openid-configuration"}))
    assert response.status_code == 502
    assert b"could not reach" in response.data
    assert stored(db) == []


def test_a_configuration_that_is_not_json_is_refused(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    moodle.raw_config = b"<html>login page</html>"
    response = register_from(client, moodle)
    assert response.status_code == 502 and b"did not send JSON" in response.data
    assert moodle.posted == [] and stored(db) == []


def test_an_oversized_configuration_is_refused(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    moodle.raw_config = b"{" + b" " * (dr.MAX_DOCUMENT_BYTES + 10) + b"}"
    response = register_from(client, moodle)
    assert response.status_code == 502 and b"KiB" in response.data
    assert stored(db) == []


def test_moodles_update_of_a_known_tool_updates_the_registration(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    """Moodle's "Update" re-runs registration with the same client id: no 409, one row."""
    assert register_from(client, moodle).status_code == 200
    (first,) = stored(db)
    first.deployments[0].status = DeploymentStatus.DISABLED  # the operator's decision
    db.commit()
    document = moodle.openid_configuration()
    document["jwks_uri"] = f"{moodle.origin}/mod/lti/certs.php?v=2"
    moodle.override_config = document
    again = register_from(client, moodle)
    assert again.status_code == 200, again.data
    assert b"updated" in again.data
    # Moodle keeps an updated tool active but resets where it shows.
    assert "“Tool configuration usage”" in again.get_data(as_text=True)
    assert "Activate" not in again.get_data(as_text=True)
    (registration,) = stored(db)
    assert registration.id == first.id
    assert registration.key_set_url == f"{moodle.origin}/mod/lti/certs.php?v=2"
    assert [(d.deployment_id, d.status) for d in registration.deployments] == \
        [("7", DeploymentStatus.DISABLED)]


def test_an_update_leaves_a_disabled_registration_disabled(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    assert register_from(client, moodle).status_code == 200
    (registration,) = stored(db)
    registration.disabled_at = registration.created_at
    db.commit()
    assert register_from(client, moodle).status_code == 200
    (registration,) = stored(db)
    assert registration.disabled_at is not None


def test_a_new_client_id_for_a_known_issuer_is_a_second_registration(
    client: FlaskClient, db: Session, moodle: FakePlatform
) -> None:
    assert register_from(client, moodle).status_code == 200
    moodle.client_id = "moodle-client-2"
    assert register_from(client, moodle).status_code == 200
    assert sorted(r.client_id for r in stored(db)) == ["moodle-client-1", "moodle-client-2"]
