"""Unknown deployment ids of a known registration follow the configured policy."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lti_tool.app import create_app
from lti_tool.config import Config, DeploymentPolicy
from lti_tool.db import Database
from lti_tool.models import Deployment, DeploymentStatus, Registration
from tests.lti_tool.lti.conftest import Flow, Platform


def _app(config: Config, connection: Connection, **changes: object) -> Flask:
    return create_app(dataclasses.replace(config, **changes),  # type: ignore[arg-type]
                      database=Database(config.database_url, bind=connection))


def test_new_deployment_is_accepted_automatically_by_default(flow: Flow, db: Session) -> None:
    """Canvas makes a new deployment_id per install: the common path, not an error."""
    response = flow.launch(lti_deployment_id="canvas-course-install-42")
    assert response.status_code == 200
    deployment = db.scalar(select(Deployment).where(Deployment.deployment_id == "canvas-course-install-42"))
    assert deployment is not None and deployment.status is DeploymentStatus.ACTIVE


def test_pending_policy_holds_a_new_deployment_until_approved(
        config: Config, connection: Connection, platform: Platform, registration: Registration,
        db: Session) -> None:
    app = _app(config, connection, unknown_deployment_policy=DeploymentPolicy.PENDING)
    flow = Flow(app.test_client(), platform)
    response = flow.launch(lti_deployment_id="new-install")
    assert response.status_code == 403
    assert b"waiting for an administrator" in response.data
    assert b"new-install" in response.data  # the page tells the user what to pass on
    deployment = db.scalar(select(Deployment).where(Deployment.deployment_id == "new-install"))
    assert deployment is not None and deployment.status is DeploymentStatus.PENDING

    deployment.status = DeploymentStatus.ACTIVE
    db.commit()
    assert flow.launch(lti_deployment_id="new-install").status_code == 200


def test_disabled_deployment_is_refused(flow: Flow, db: Session, registration: Registration) -> None:
    deployment = registration.deployments[0]
    deployment.status = DeploymentStatus.DISABLED
    db.commit()
    response = flow.launch()
    assert response.status_code == 403
    assert response.headers["X-Worklink-Error"] == "deployment_disabled"


def test_anonymous_launches_can_be_allowed(config: Config, connection: Connection,
                                           platform: Platform, registration: Registration) -> None:
    from tests.lti_tool.lti.conftest import REMOVE

    app = _app(config, connection, allow_anonymous_launch=True)
    response = Flow(app.test_client(), platform).launch(sub=REMOVE)
    assert response.status_code == 200


def test_a_registration_turned_off_refuses_login_and_launch(
        flow: Flow, db: Session, registration: Registration) -> None:
    state, nonce = flow.login()  # a login that began before the operator turned it off
    registration.disabled_at = registration.created_at
    db.commit()
    from lti_tool.lti.services import lti_services
    lti_services(flow.client.application).directory.forget()  # as the admin page does
    response = flow.post(flow.platform.sign(flow.platform.claims(nonce)), state)
    assert response.status_code == 403
    assert response.headers["X-Worklink-Error"] == "registration_disabled"
    login = flow.client.get("/lti/login", query_string={
        "iss": registration.issuer, "login_hint": "u", "client_id": registration.client_id,
        "target_link_uri": "https://worklink.test/lti/launch"})
    assert login.status_code == 403 and b"turned off" in login.data


def test_a_pending_deployment_is_logged_for_the_operator(
        config: Config, connection: Connection, platform: Platform, registration: Registration,
        caplog: pytest.LogCaptureFixture) -> None:
    app = _app(config, connection, unknown_deployment_policy=DeploymentPolicy.PENDING)
    with caplog.at_level("WARNING", logger="lti_tool.lti.oidc"):
        Flow(app.test_client(), platform).launch(lti_deployment_id="install-9")
    assert any("'install-9'" in r.getMessage() and "waits for an operator" in r.getMessage()
               for r in caplog.records)
