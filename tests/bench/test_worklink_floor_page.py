"""Target (g): Worklink's own launch path, landing on the page target (f) renders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import Flask

from bench import worklink_floor_page
from bench.platform_simulator import (
    PlatformSimulator,
    SimulatedUser,
    ToolEndpoints,
    parse_login_redirect,
    simulated_users,
)
from bench.profile_launch import TestClientBrowser as InProcessBrowser
from bench.targets import prepare_worklink_database
from lti_tool.config import Config

BASE_URL = "http://127.0.0.1:5998"


@pytest.fixture
def app(simulator: PlatformSimulator, tmp_path: Path) -> Flask:
    """Worklink in production mode on a fresh SQLite file, the simulator registered."""
    database_url = f"sqlite:///{tmp_path / 'worklink.db'}"
    prepare_worklink_database(simulator, database_url)
    return worklink_floor_page.create_app(Config.from_env({
        "WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": os.urandom(32).hex(),
        "WORKLINK_BASE_URL": BASE_URL, "WORKLINK_DATABASE_URL": database_url,
        "WORKLINK_INSTANCE_DIR": str(tmp_path), "WORKLINK_OUTBOUND_ALLOW": "127.0.0.1"}))


def test_a_launch_lands_on_the_floor_page_with_the_role_worklink_decided(
        simulator: PlatformSimulator, app: Flask) -> None:
    tool = ToolEndpoints(f"{BASE_URL}/lti/login", f"{BASE_URL}/lti/launch")
    for role, audience in (("Instructor", "teacher"), ("Learner", "student")):
        user = next(u for u in simulated_users(20) if u.role == role)
        page = _launch(simulator, InProcessBrowser(app), tool, user)
        assert f"Welcome, <strong>{user.given_name} {user.family_name}</strong> ({audience})." \
            in page
        assert "worklink-session" not in page  # (f)'s page, not the audience's home page


def test_worklinks_checks_still_refuse_a_replayed_launch(
        simulator: PlatformSimulator, app: Flask) -> None:
    tool = ToolEndpoints(f"{BASE_URL}/lti/login", f"{BASE_URL}/lti/launch")
    user = simulated_users(1)[0]
    browser = InProcessBrowser(app)
    login = browser.get(tool.login_url, simulator.login_params(user, tool.target_link_uri))
    redirect = parse_login_redirect(login.status_code, login.location)
    form = {"id_token": simulator.id_token(user, redirect.nonce, tool.target_link_uri),
            "state": redirect.state}
    assert browser.post(redirect.redirect_uri, form).status_code == 200
    assert browser.post(redirect.redirect_uri, form).status_code >= 400


def _launch(simulator: PlatformSimulator, browser: InProcessBrowser, tool: ToolEndpoints,
            user: SimulatedUser) -> str:
    login = browser.get(tool.login_url, simulator.login_params(user, tool.target_link_uri))
    redirect = parse_login_redirect(login.status_code, login.location)
    token = simulator.id_token(user, redirect.nonce, tool.target_link_uri)
    answer = browser.post(redirect.redirect_uri, {"id_token": token, "state": redirect.state})
    assert answer.status_code == 200
    return answer.text
