"""Platform JWKS: cached per Cache-Control within bounds, refetched once on an unknown kid."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from lti_tool.lti.errors import LaunchError
from lti_tool.lti.platform_keys import PlatformKeys, _max_age, parse_jwks
from lti_tool.lti.services import lti_services
from tests.lti_tool.lti.conftest import Flow, JwksServer, Platform


def test_keys_are_fetched_once_then_never_on_the_launch_path(flow: Flow, jwks_server: JwksServer,
                                                             app: Flask) -> None:
    before = jwks_server.hits
    for _ in range(5):
        assert flow.launch().status_code == 200
    assert jwks_server.hits - before == 1
    assert lti_services(app).platform_keys.fetch_count == 1


def test_a_rotated_platform_key_is_fetched_once(flow: Flow, platform: Platform,
                                                jwks_server: JwksServer, app: Flask,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert flow.launch().status_code == 200
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    old_key, old_kid = platform.key, platform.kid
    platform.publish(new_key, "rotated-key")
    # Allow the refetch at once instead of after REFETCH_GAP seconds.
    monkeypatch.setattr("lti_tool.lti.platform_keys.REFETCH_GAP", 0.0)
    try:
        hits = jwks_server.hits
        response = flow.launch(lambda nonce: platform.sign(platform.claims(nonce), key=new_key,
                                                           headers={"kid": "rotated-key"}))
        assert response.status_code == 200
        assert jwks_server.hits == hits + 1
    finally:
        platform.key, platform.kid = old_key, old_kid
        platform.publish(old_key, old_kid)


def test_unknown_kids_do_not_cause_a_fetch_storm(flow: Flow, platform: Platform,
                                                 jwks_server: JwksServer) -> None:
    assert flow.launch().status_code == 200
    hits = jwks_server.hits
    for i in range(5):
        response = flow.launch(lambda nonce, i=i: platform.sign(platform.claims(nonce),
                                                                headers={"kid": f"forged-{i}"}))
        assert response.headers["X-Worklink-Error"] == "unknown_kid"
    assert jwks_server.hits == hits  # within REFETCH_GAP of the last fetch: no new fetch


def test_cache_lifetime_follows_cache_control_within_floor_and_ceiling() -> None:
    assert _max_age("public, max-age=120") == 120
    assert _max_age("no-store") == 0
    assert _max_age("") == 0


def test_an_unreachable_key_set_gives_a_clear_error(app: Flask) -> None:
    services = lti_services(app)
    keys = PlatformKeys(services.store, services.outbound, floor=60, ceiling=600, timeout=0.5,
                        max_bytes=1000)
    with app.test_request_context(), pytest.raises(LaunchError) as error:
        keys.key_for(kid="k", key_set_url="http://127.0.0.1:9/jwks.json", inline=None)
    assert error.value.code == "jwks_unreachable"


def test_an_oversized_key_set_is_refused(app: Flask, jwks_server: JwksServer) -> None:
    services = lti_services(app)
    keys = PlatformKeys(services.store, services.outbound, floor=60, ceiling=600, timeout=2,
                        max_bytes=100)
    with app.test_request_context(), pytest.raises(LaunchError) as error:
        keys.key_for(kid="k", key_set_url=jwks_server.url, inline=None)
    assert error.value.code == "jwks_too_large"


def test_keys_for_other_uses_or_algorithms_are_ignored(platform: Platform) -> None:
    jwk = dict(platform.server.jwks["keys"][0])
    keys = parse_jwks({"keys": [jwk, {**jwk, "kid": "enc", "use": "enc"},
                                {**jwk, "kid": "ps", "alg": "PS256"}, {"kty": "EC", "kid": "ec"}]})
    assert list(keys) == [platform.kid]
