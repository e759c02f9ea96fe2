"""The required floor launches for real, and still refuses what the issue says it must."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from bench import required_floor
from bench.browsers import BROWSERS
from bench.platform_simulator import (
    PlatformSimulator,
    ToolEndpoints,
    parse_login_redirect,
    simulated_users,
)
from tests.loopback import serve_wsgi


@pytest.fixture
def tool(simulator: PlatformSimulator, tmp_path: Path) -> Iterator[ToolEndpoints]:
    app = required_floor.create_app({
        "issuer": simulator.issuer, "client_id": simulator.client_id,
        "auth_login_url": simulator.auth_login_url, "jwks": simulator.jwks,
        "database": str(tmp_path / "state.db"),
    })
    for base in serve_wsgi(app):
        yield ToolEndpoints(f"{base}/lti/login", f"{base}/lti/launch")


def test_users_launch_again_and_again(simulator: PlatformSimulator, tool: ToolEndpoints) -> None:
    browser = BROWSERS["lean"]()
    outcomes = [simulator.launch(browser, tool, user) for user in simulated_users(3) * 2]
    assert [o.problem for o in outcomes] == [""] * 6


def _login(simulator: PlatformSimulator, tool: ToolEndpoints, browser: object) -> tuple[str, str, str]:
    user = simulated_users(1)[0]
    answer = browser.get(tool.login_url, simulator.login_params(user, tool.target_link_uri))  # type: ignore[attr-defined]
    redirect = parse_login_redirect(answer.status_code, answer.location)
    return redirect.state, redirect.nonce, redirect.redirect_uri


def test_a_state_is_single_use(simulator: PlatformSimulator, tool: ToolEndpoints) -> None:
    browser = BROWSERS["lean"]()
    state, nonce, redirect_uri = _login(simulator, tool, browser)
    token = simulator.id_token(simulated_users(1)[0], nonce, tool.target_link_uri)
    assert browser.post(redirect_uri, {"id_token": token, "state": state}).status_code == 200
    assert browser.post(redirect_uri, {"id_token": token, "state": state}).status_code == 400


def test_a_token_signed_by_another_key_or_for_another_nonce_is_refused(
        simulator: PlatformSimulator, tool: ToolEndpoints) -> None:
    browser = BROWSERS["lean"]()
    user = simulated_users(1)[0]
    state, nonce, redirect_uri = _login(simulator, tool, browser)
    forged = jwt.encode(simulator.claims(user, nonce, tool.target_link_uri),
                        rsa.generate_private_key(public_exponent=65537, key_size=2048),
                        algorithm="RS256", headers={"kid": simulator.kid})
    assert browser.post(redirect_uri, {"id_token": forged, "state": state}).status_code == 422
    state, _nonce, redirect_uri = _login(simulator, tool, browser)
    other_nonce = simulator.id_token(user, "not-the-nonce", tool.target_link_uri)
    assert browser.post(redirect_uri, {"id_token": other_nonce, "state": state}).status_code == 422
