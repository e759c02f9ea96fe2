"""The token endpoint: only a client assertion the tool really signed buys an access token."""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt

from tests.lti_tool.sandbox.conftest import ALL_SCOPES, CLIENT_ID, ISSUER

JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def ask(lms, assertion: str, **overrides: str) -> Any:
    data = {"grant_type": "client_credentials", "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion, "scope": ALL_SCOPES}
    data.update(overrides)
    return lms.post("/sandbox/token", data=data)


def test_a_signed_assertion_gets_a_bearer_token(lms, client_assertion):
    response = ask(lms, client_assertion())

    body = response.get_json()
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert set(body["scope"].split()) == set(ALL_SCOPES.split())
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["iss"] == ISSUER and claims["sub"] == CLIENT_ID


def test_an_assertion_signed_by_another_key_is_rejected(lms, client_assertion, stranger_key):
    """Someone who knows the client_id but not the tool's private key."""
    response = ask(lms, client_assertion(key=stranger_key))
    assert response.status_code == 401 and response.get_json()["error"] == "invalid_client"


def test_an_assertion_with_a_tampered_payload_is_rejected(lms, client_assertion):
    header, _payload, signature = client_assertion().split(".")
    forged = base64.urlsafe_b64encode(json.dumps({"iss": CLIENT_ID, "sub": CLIENT_ID}).encode()).decode().rstrip("=")
    assert ask(lms, f"{header}.{forged}.{signature}").status_code == 401


def test_an_assertion_for_another_audience_is_rejected(lms, client_assertion):
    """An assertion minted for another platform's token endpoint is replayed here."""
    response = ask(lms, client_assertion(aud="https://other-lms.test/token"))
    assert response.status_code == 401 and "aud" in response.get_json()["error_description"]


def test_an_assertion_whose_issuer_is_not_the_client_is_rejected(lms, client_assertion):
    assert ask(lms, client_assertion(iss="someone-else")).status_code == 401


def test_an_expired_assertion_is_rejected(lms, client_assertion):
    assert ask(lms, client_assertion(iat=1_000_000, exp=1_000_300)).status_code == 401


def test_an_assertion_cannot_be_used_twice(lms, client_assertion):
    assertion = client_assertion()
    assert ask(lms, assertion).status_code == 200
    assert ask(lms, assertion).status_code == 401


def test_other_grant_types_are_unsupported(lms, client_assertion):
    response = ask(lms, client_assertion(), grant_type="password")
    assert response.status_code == 400 and response.get_json()["error"] == "unsupported_grant_type"


def test_a_request_for_no_offered_scope_is_refused(lms, client_assertion):
    response = ask(lms, client_assertion(), scope="https://example.test/scope/everything")
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_scope"


def test_services_refuse_a_missing_or_forged_bearer(lms):
    assert lms.get("/sandbox/courses/1/memberships").status_code == 401
    forged = jwt.encode({"iss": ISSUER, "scopes": ALL_SCOPES}, "a guessed secret of 32+ bytes....", algorithm="HS256")
    response = lms.get("/sandbox/courses/1/memberships", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_services_refuse_a_token_without_their_scope(lms, bearer):
    score_only = bearer("https://purl.imsglobal.org/spec/lti-ags/scope/score")
    assert lms.get("/sandbox/courses/1/memberships", headers=score_only).status_code == 403
