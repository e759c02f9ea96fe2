"""The benchmark's platform simulator signs tokens a validator accepts and reads logins right."""

from __future__ import annotations

import jwt
import pytest

from bench.browsers import cookie_is_deleted
from bench.platform_simulator import (
    LTI,
    LaunchFailure,
    PlatformSimulator,
    parse_login_redirect,
    simulated_users,
)


def test_id_token_validates_with_pyjwt_against_the_served_jwks(
        simulator: PlatformSimulator) -> None:
    user = simulated_users(3)[1]
    token = simulator.id_token(user, "nonce-from-login", "https://tool.test/lti/launch")

    key = jwt.PyJWKClient(simulator.jwks_url("pyjwt")).get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=["RS256"], audience=simulator.client_id,
                        issuer=simulator.issuer)

    assert claims["nonce"] == "nonce-from-login" and claims["sub"] == user.sub
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == simulator.deployment_id
    assert claims[LTI + "roles"] == ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
    assert claims[LTI + "resource_link"]["id"] == user.resource_link_id
    assert claims[LTI + "target_link_uri"] == "https://tool.test/lti/launch"
    assert claims["exp"] > claims["iat"] and claims["email"] == user.email
    assert simulator.jwks_fetches("pyjwt") == 1


def test_the_jwks_server_counts_fetches_per_target(simulator: PlatformSimulator) -> None:
    jwt.PyJWKClient(simulator.jwks_url("one"), cache_jwk_set=False).get_jwk_set()
    jwt.PyJWKClient(simulator.jwks_url("one"), cache_jwk_set=False).get_jwk_set()

    assert (simulator.jwks_fetches("one"), simulator.jwks_fetches("other")) == (2, 0)


def test_a_token_from_another_platform_key_does_not_validate(simulator: PlatformSimulator) -> None:
    """A token signed by a different simulator fails against this simulator's key."""
    user = simulated_users(1)[0]
    stranger = PlatformSimulator()
    token = stranger.id_token(user, "n", "https://tool.test/lti/launch")

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, simulator.key.public_key(), algorithms=["RS256"],
                   audience=simulator.client_id)


def test_every_tenth_user_is_an_instructor_and_users_share_courses() -> None:
    users = simulated_users(20, courses=4)

    assert [u.role for u in users].count("Instructor") == 2
    assert len({u.context_id for u in users}) == 4 and len({u.sub for u in users}) == 20


def test_login_redirect_gives_state_nonce_and_redirect_uri() -> None:
    location = ("http://127.0.0.1:9/auth?scope=openid&response_type=id_token&client_id=c"
                "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8000%2Flti%2Flaunch&login_hint=u"
                "&state=state-abc&nonce=n123&prompt=none&response_mode=form_post")

    redirect = parse_login_redirect(302, location)

    assert (redirect.state, redirect.nonce) == ("state-abc", "n123")
    assert redirect.redirect_uri == "http://127.0.0.1:8000/lti/launch"
    assert redirect.auth_url == "http://127.0.0.1:9/auth"
    assert redirect.params["response_mode"] == "form_post"


def test_login_that_renders_a_page_instead_of_redirecting_is_a_failure() -> None:
    with pytest.raises(LaunchFailure, match="login answered 200"):
        parse_login_redirect(200, None)


def test_login_redirect_without_a_nonce_is_a_failure() -> None:
    with pytest.raises(LaunchFailure, match="lacks nonce"):
        parse_login_redirect(302, "http://p/auth?state=s&redirect_uri=http%3A%2F%2Ft%2Fl")


@pytest.mark.parametrize(("attributes", "deleted"), [
    (["Path=/", "Max-Age=0"], True),
    (["Expires=Thu, 01 Jan 1970 00:00:00 GMT", "Path=/"], True),
    (["Max-Age=300", "HttpOnly"], False),
    (["Expires=Fri, 01 Jan 2100 00:00:00 GMT"], False),
    (["HttpOnly", "SameSite=Lax"], False),
])
def test_lean_browser_forgets_cookies_the_server_deletes(attributes: list[str],
                                                         deleted: bool) -> None:
    assert cookie_is_deleted(attributes) is deleted
