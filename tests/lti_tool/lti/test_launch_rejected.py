"""Known-bad launches (1EdTech certification §6.1 and the classic JWT forgeries) are refused.

Each is refused with a 4xx, a page that says what was wrong, and nothing stored.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.models import Course, Enrollment, ResourceLink, User
from tests.lti_tool.lti.conftest import CLIENT_ID, LTI, REMOVE, Flow, Platform


def _counts(db: Session) -> tuple[int, ...]:
    return tuple(db.scalar(select(func.count()).select_from(m)) or 0
                 for m in (User, Course, Enrollment, ResourceLink))


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


CASES: dict[str, dict[str, Any]] = {
    # name: claim overrides (REMOVE drops the claim)
    "wrong LTI version": {"lti_version": "11.3.0"},
    "missing LTI version": {"lti_version": REMOVE},
    "missing message_type": {"lti_message_type": REMOVE},
    "unknown message_type": {"lti_message_type": "LtiSomethingElse"},
    "missing roles claim": {"lti_roles": REMOVE},
    "missing deployment_id": {"lti_deployment_id": REMOVE},
    "missing resource_link id": {"lti_resource_link": {"title": "no id"}},
    "missing sub": {"sub": REMOVE},
    "expired (exp in the past)": {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
    "issued in the future (iat)": {"iat": int(time.time()) + 3600, "exp": int(time.time()) + 7200},
    "iat not a number": {"iat": "yesterday"},
    "missing exp": {"exp": REMOVE},
    "wrong audience": {"aud": "someone-else"},
    "several audiences without azp": {"aud": [CLIENT_ID, "other-tool"]},
    "azp not among the audiences": {"aud": [CLIENT_ID, "other-tool"], "azp": "third"},
    "unknown issuer": {"iss": "https://evil.test"},
    "missing target_link_uri": {"lti_target_link_uri": REMOVE},
    "missing iss": {"iss": REMOVE},
    "missing aud": {"aud": REMOVE},
    "missing nonce": {"nonce": REMOVE},
    "context without an id": {"lti_context": {"title": "no id"}},
    "sub that is not a string": {"sub": 42},
    "target_link_uri differs from the login": {"lti_target_link_uri": "https://worklink.test/other"},
}

EXPECTED_CODE = {
    "wrong LTI version": "bad_version", "missing LTI version": "missing_version",
    "missing message_type": "missing_message_type", "unknown message_type": "bad_message_type",
    "missing roles claim": "missing_roles", "missing deployment_id": "missing_deployment_id",
    "missing resource_link id": "missing_resource_link", "missing sub": "missing_sub",
    "expired (exp in the past)": "bad_exp", "issued in the future (iat)": "bad_iat",
    "iat not a number": "bad_iat", "missing exp": "bad_exp", "wrong audience": "unknown_client",
    "several audiences without azp": "bad_azp", "azp not among the audiences": "bad_azp",
    "unknown issuer": "unknown_issuer", "missing target_link_uri": "missing_target_link_uri",
    "target_link_uri differs from the login": "bad_target_link_uri",
    "missing iss": "missing_iss", "missing aud": "missing_aud", "missing nonce": "bad_nonce",
    "context without an id": "bad_context", "sub that is not a string": "bad_sub",
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_claims_are_rejected_and_nothing_is_stored(case: str, flow: Flow, db: Session) -> None:
    before = _counts(db)
    response = flow.launch(**CASES[case])
    assert 400 <= response.status_code < 500
    assert response.headers["X-Worklink-Error"] == EXPECTED_CODE[case]
    page = response.get_data(as_text=True)
    assert 'class="notice notice-error"' in page and f"Error {response.status_code}" in page
    assert _counts(db) == before


def test_token_without_kid_is_rejected(flow: Flow, platform: Platform) -> None:
    response = flow.launch(lambda nonce: platform.sign(platform.claims(nonce), headers={}))
    assert response.status_code == 422
    assert b"no key id" in response.data


def test_token_with_an_unknown_kid_is_rejected(flow: Flow, platform: Platform) -> None:
    response = flow.launch(lambda nonce: platform.sign(platform.claims(nonce), headers={"kid": "nope"}))
    assert response.status_code == 422
    assert response.headers["X-Worklink-Error"] == "unknown_kid"


def test_not_a_jwt_is_rejected(flow: Flow) -> None:
    response = flow.launch(lambda nonce: "this-is-not-a-jwt")
    assert response.status_code == 422
    assert b"not a JWT" in response.data


def test_garbage_in_a_three_part_token_is_rejected(flow: Flow) -> None:
    response = flow.launch(lambda nonce: "a.b.c")
    assert response.status_code == 422
    assert response.headers["X-Worklink-Error"] == "not_a_jwt"


def test_alg_none_is_rejected(flow: Flow, platform: Platform) -> None:
    def unsigned(nonce: str) -> str:
        return f"{_b64({'alg': 'none', 'kid': platform.kid})}.{_b64(platform.claims(nonce))}."

    response = flow.launch(unsigned)
    assert response.status_code == 422
    assert response.headers["X-Worklink-Error"] == "bad_alg"


def test_hs256_signed_with_the_platform_public_key_is_rejected(flow: Flow, platform: Platform) -> None:
    """The key-confusion forgery: HMAC keyed with the RSA public key everyone can fetch."""
    from cryptography.hazmat.primitives import serialization

    public_pem = platform.key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    def forged(nonce: str) -> str:
        header = _b64({"alg": "HS256", "kid": platform.kid, "typ": "JWT"})
        body = _b64(platform.claims(nonce))
        import hashlib
        import hmac

        sig = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
        return f"{header}.{body}.{base64.urlsafe_b64encode(sig).rstrip(b'=').decode()}"

    response = flow.launch(forged)
    assert response.status_code == 422
    assert response.headers["X-Worklink-Error"] == "bad_alg"


def test_token_signed_by_another_key_is_rejected(flow: Flow, platform: Platform) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    impostor = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = flow.launch(lambda nonce: platform.sign(platform.claims(nonce), key=impostor))
    assert response.status_code == 422
    assert response.headers["X-Worklink-Error"] == "bad_signature"


def test_tampered_payload_is_rejected(flow: Flow, platform: Platform) -> None:
    def tampered(nonce: str) -> str:
        header, _, signature = platform.sign(platform.claims(nonce)).split(".")
        return f"{header}.{_b64(platform.claims(nonce, role='Administrator'))}.{signature}"

    response = flow.launch(tampered)
    assert response.headers["X-Worklink-Error"] == "bad_signature"


def test_state_mismatch_is_rejected(flow: Flow, platform: Platform) -> None:
    _state, nonce = flow.login()
    response = flow.post(platform.sign(platform.claims(nonce)), "a-state-we-never-issued")
    assert response.status_code == 400
    assert response.headers["X-Worklink-Error"] == "state_not_found"


def test_nonce_from_another_login_is_rejected(flow: Flow, platform: Platform) -> None:
    state, _nonce = flow.login()
    _other_state, other_nonce = flow.login()
    response = flow.post(platform.sign(platform.claims(other_nonce)), state)
    assert response.headers["X-Worklink-Error"] == "bad_nonce"


def test_the_same_id_token_and_state_cannot_be_used_twice(flow: Flow, platform: Platform) -> None:
    state, nonce = flow.login()
    token = platform.sign(platform.claims(nonce))
    assert flow.post(token, state).status_code == 200
    replay = flow.post(token, state)
    assert replay.status_code == 400
    assert replay.headers["X-Worklink-Error"] == "state_not_found"


def test_a_used_nonce_cannot_be_replayed_with_a_fresh_state(flow: Flow, platform: Platform) -> None:
    state, nonce = flow.login()
    token = platform.sign(platform.claims(nonce))
    assert flow.post(token, state).status_code == 200
    fresh_state, _ = flow.login()
    replay = flow.post(token, fresh_state)
    assert replay.headers["X-Worklink-Error"] == "bad_nonce"


def test_login_from_an_unknown_platform_is_refused(flow: Flow) -> None:
    response = flow.client.get("/lti/login", query_string={
        "iss": "https://unknown.test", "login_hint": "u", "target_link_uri": "https://worklink.test/lti/launch"})
    assert response.status_code == 403
    assert b"not registered with the platform https://unknown.test" in response.data


def test_login_that_targets_another_site_is_refused(flow: Flow) -> None:
    response = flow.client.get("/lti/login", query_string={
        "iss": "https://platform.test", "login_hint": "u", "target_link_uri": "https://evil.test/steal"})
    assert response.status_code == 400
    assert response.headers["X-Worklink-Error"] == "bad_target_link_uri"


def test_login_without_required_parameters_names_them(flow: Flow) -> None:
    response = flow.client.get("/lti/login", query_string={"iss": "https://platform.test"})
    assert response.status_code == 400
    assert b"login_hint, target_link_uri" in response.data


def test_deep_linking_request_without_settings_is_rejected(flow: Flow) -> None:
    response = flow.launch(lti_message_type="LtiDeepLinkingRequest")
    assert response.headers["X-Worklink-Error"] == "missing_deep_linking_settings"


def test_roles_that_are_not_a_list_are_rejected(flow: Flow) -> None:
    response = flow.launch(lti_roles="Instructor")
    assert response.headers["X-Worklink-Error"] == "bad_roles"


def test_claims_under_lti_prefix_helper_are_what_we_think(platform: Platform) -> None:
    """Guard the test helper itself: an override really removes the claim."""
    assert LTI + "version" not in platform.claims("n", lti_version=REMOVE)
