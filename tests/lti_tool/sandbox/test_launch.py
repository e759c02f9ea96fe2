"""The sandbox's launches: id_tokens a reference validator accepts, and auth requests it refuses."""

from __future__ import annotations

from typing import Any

import jwt
from flask.testing import FlaskClient
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from lti_tool.sandbox.platform import Sandbox
from tests.lti_tool.sandbox.conftest import (
    BASE,
    CLIENT_ID,
    DEPLOYMENT_ID,
    ISSUER,
    auth_request,
    frame_login_params,
    posted_fields,
    sign_in,
)

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


def reference_decode(lms: FlaskClient, token: str) -> dict[str, Any]:
    """Validate as a tool would: signature against the platform's JWKS, aud, iss, exp."""
    keys = jwt.PyJWKSet.from_dict(lms.get("/sandbox/jwks.json").get_json())
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys.keys if k.key_id == kid)
    return jwt.decode(token, key, algorithms=["RS256"], audience=CLIENT_ID, issuer=ISSUER,
                      options={"require": ["exp", "iat", "iss", "aud", "sub", "nonce"]})


def test_teacher_launch_id_token_passes_reference_validation(lms, launch_token):
    claims = reference_decode(lms, launch_token("Rivera"))

    assert claims["nonce"] == "nonce-456" and claims["azp"] == CLIENT_ID
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == DEPLOYMENT_ID
    assert claims[LTI + "target_link_uri"] == f"{BASE}/lti/launch"
    assert claims[LTI + "resource_link"]["id"] == "sandbox-link-1"
    assert claims[LTI + "roles"] == [INSTRUCTOR]
    assert claims[LTI + "context"]["title"] == "WBL Seminar (Sandbox)"
    assert claims["name"] == "Lucia Rivera" and claims["email"] == "lucia.rivera@sandbox.test"
    ags = claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]
    assert ags["lineitems"] == f"{ISSUER}/courses/1/lineitems"
    assert {s.rsplit("/", 1)[1] for s in ags["scope"]} >= {"lineitem", "score", "result.readonly"}
    nrps = claims["https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"]
    assert nrps["context_memberships_url"] == f"{ISSUER}/courses/1/memberships"


def test_student_launch_carries_the_learner_role(lms, launch_token):
    claims = reference_decode(lms, launch_token("Bao"))
    assert claims[LTI + "roles"] == [LEARNER] and claims["sub"] == "sandbox-student-bao"


def test_deep_linking_request_offers_resource_links_with_line_items(lms, launch_token):
    claims = reference_decode(lms, launch_token("Rivera", deep_link=True))

    assert claims[LTI + "message_type"] == "LtiDeepLinkingRequest"
    assert LTI + "resource_link" not in claims
    settings = claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    assert settings["deep_link_return_url"] == f"{ISSUER}/deep-link-return"
    assert settings["accept_types"] == ["ltiResourceLink"]
    assert settings["accept_presentation_document_targets"] == ["iframe", "window"]
    assert settings["accept_multiple"] is True and settings["accept_lineitem"] is True
    assert isinstance(settings["data"], str) and settings["data"]


def _login(lms: FlaskClient, who: str) -> dict[str, str]:
    sign_in(lms, who)
    return frame_login_params(lms.get("/sandbox/launch/1").get_data(as_text=True))


def test_auth_refuses_a_redirect_uri_the_tool_did_not_register(lms):
    """An attacker's page asks for the id_token to be posted to it."""
    response = lms.get(auth_request(_login(lms, "Rivera"), redirect_uri="https://evil.test/catch"))
    assert response.status_code == 400 and "id_token" not in posted_fields(response.get_data(as_text=True))


def test_auth_refuses_a_login_hint_for_someone_else(lms):
    """A student replays the teacher's login hint."""
    login = _login(lms, "Rivera")
    sign_in(lms, "Amani")
    assert lms.get(auth_request(login)).status_code == 403


def test_auth_refuses_a_forged_message_hint(lms):
    response = lms.get(auth_request(_login(lms, "Rivera"), lti_message_hint="eyJraW5kIjoibGF1bmNoIn0.forged"))
    assert response.status_code == 400


def test_auth_refuses_an_implicit_flow_without_form_post(lms):
    assert lms.get(auth_request(_login(lms, "Rivera"), response_mode="fragment")).status_code == 400


def test_sandbox_state_stays_out_of_worklinks_database(sb: Sandbox, connection: Connection):
    assert sb.store.path.name == "sandbox.db" and sb.store.path.exists()
    assert not {"platform_key", "placement", "lineitem", "score"} & set(inspect(connection).get_table_names())


def test_home_page_offers_sign_in_for_the_seeded_course(lms):
    page = lms.get("/sandbox/").get_data(as_text=True)
    for name in ("WBL Seminar (Sandbox)", "Lucia Rivera", "Amani Okafor", "Bao Tran", "Carmen Díaz"):
        assert name in page


def test_opening_the_sandbox_under_another_host_name_says_where_launches_go(lms):
    """localhost versus 127.0.0.1: the sign-in cookie would not reach the launch."""
    elsewhere = lms.get("/sandbox/", base_url="http://localhost:5000").get_data(as_text=True)
    at_home = lms.get("/sandbox/", base_url=BASE).get_data(as_text=True)

    assert f"Launches go to <a href=\"{BASE}/sandbox/\">" in elsewhere
    assert "Launches go to" not in at_home
