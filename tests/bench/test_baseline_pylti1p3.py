"""The baseline pylti1p3 tool and the floor answer the simulator's launches end to end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from bench import baseline_pylti1p3, floor
from bench.browsers import BROWSERS
from bench.platform_simulator import PlatformSimulator, ToolEndpoints, simulated_users
from bench.targets import floor_launcher
from tests.loopback import serve_wsgi

TOOL_KEY_PEM = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()


def baseline_settings(simulator: PlatformSimulator, *, inline: bool) -> dict[str, Any]:
    settings: dict[str, Any] = {
        "issuer": simulator.issuer, "client_id": simulator.client_id,
        "auth_login_url": simulator.auth_login_url, "auth_token_url": simulator.auth_token_url,
        "deployment_ids": [simulator.deployment_id], "private_key_pem": TOOL_KEY_PEM,
    }
    if inline:
        settings["key_set"] = simulator.jwks
    else:
        settings["key_set_url"] = simulator.jwks_url("baseline-test")
    return settings


@pytest.fixture(params=[True, False], ids=["jwks-inline", "jwks-by-url"])
def baseline(request: pytest.FixtureRequest, simulator: PlatformSimulator) -> Iterator[str]:
    app = baseline_pylti1p3.create_app(baseline_settings(simulator, inline=request.param))
    yield from serve_wsgi(app)


@pytest.mark.parametrize("client", sorted(BROWSERS))
def test_a_learner_launches_into_the_baseline_tool(baseline: str, client: str,
                                                    simulator: PlatformSimulator) -> None:
    tool = ToolEndpoints(f"{baseline}/lti/login", f"{baseline}/lti/launch")
    browser = BROWSERS[client]()
    user = simulated_users(2)[1]

    outcomes = [simulator.launch(browser, tool, user) for _ in range(2)]

    assert [o.problem for o in outcomes] == ["", ""]


def test_the_baseline_by_url_fetches_the_platform_keys_on_every_launch(
        simulator: PlatformSimulator) -> None:
    app = baseline_pylti1p3.create_app(baseline_settings(simulator, inline=False))
    for base in serve_wsgi(app):
        tool = ToolEndpoints(f"{base}/lti/login", f"{base}/lti/launch")
        before = simulator.jwks_fetches("baseline-test")
        for user in simulated_users(3):
            assert simulator.launch(BROWSERS["lean"](), tool, user).ok

        assert simulator.jwks_fetches("baseline-test") - before == 3


def test_a_launch_whose_state_cookie_is_lost_fails_with_the_reason(
        simulator: PlatformSimulator) -> None:
    """The second step runs in a fresh browser, as when a third-party cookie is blocked."""
    app = baseline_pylti1p3.create_app(baseline_settings(simulator, inline=True))
    for base in serve_wsgi(app):
        tool = ToolEndpoints(f"{base}/lti/login", f"{base}/lti/launch")

        class ForgetfulBrowser(BROWSERS["lean"]):  # type: ignore[misc,valid-type]
            def post(self, url: str, data: Any) -> Any:
                self.cookies.clear()
                return super().post(url, data)

        outcome = simulator.launch(ForgetfulBrowser(), tool, simulated_users(1)[0])

        assert not outcome.ok and "422" in outcome.problem and "State not found" in outcome.problem


def test_the_floor_answers_both_requests(simulator: PlatformSimulator) -> None:
    for base in serve_wsgi(floor.create_app()):
        launch = floor_launcher(simulator)(base)

        outcome = launch(BROWSERS["lean"](), simulated_users(1)[0])

        assert outcome.ok, outcome.problem
