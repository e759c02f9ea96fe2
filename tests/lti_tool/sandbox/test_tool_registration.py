"""The sandbox registers itself with Worklink on startup, as an admin would register an LMS."""

from __future__ import annotations

from flask import Flask
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lti_tool.app import create_app
from lti_tool.config import Config
from lti_tool.db import Database
from lti_tool.lti.registrations import find_deployment, find_registration, registrations_for_issuer
from lti_tool.sandbox.platform import Sandbox
from tests.lti_tool.sandbox.conftest import CLIENT_ID, DEPLOYMENT_ID, ISSUER


def test_worklink_holds_a_registration_for_the_sandbox(sb: Sandbox, db: Session):
    registration = find_registration(db, ISSUER, CLIENT_ID)

    assert registration is not None and registration.product == "sandbox"
    assert registration.key_set == sb.jwks() and registration.key_set_url is None
    assert registration.auth_login_url == f"{ISSUER}/auth"
    assert registration.auth_token_url == f"{ISSUER}/token"
    assert find_deployment(db, registration, DEPLOYMENT_ID) is not None


def test_a_restart_keeps_one_registration_and_the_same_key(
        sandbox_app: Flask, sandbox_config: Config, connection: Connection, db: Session):
    first = sandbox_app.extensions["worklink.sandbox"].jwks()

    again = create_app(sandbox_config, database=Database(sandbox_config.database_url, bind=connection))

    assert again.extensions["worklink.sandbox"].jwks() == first
    assert len(registrations_for_issuer(db, ISSUER)) == 1


def test_a_reset_sandbox_key_is_copied_into_worklinks_registration(
        sb: Sandbox, sandbox_config: Config, connection: Connection, db: Session):
    """Deleting the sandbox's state file makes a new key; launches must keep verifying."""
    old = sb.jwks()
    sb.store.dispose()
    sb.store.path.unlink()

    reset = create_app(sandbox_config, database=Database(sandbox_config.database_url, bind=connection))

    new = reset.extensions["worklink.sandbox"].jwks()
    assert new != old
    db.expire_all()
    assert find_registration(db, ISSUER, CLIENT_ID).key_set == new  # type: ignore[union-attr]
