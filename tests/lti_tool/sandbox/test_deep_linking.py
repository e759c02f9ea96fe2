"""Deep-link return: content the tool signed is added; anything else is refused, and said so."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest

from lti_tool.sandbox.tool_keys import ToolKeysUnavailable
from tests.lti_tool.sandbox.conftest import CLIENT_ID, DEPLOYMENT_ID, ISSUER

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
ITEM = {"type": "ltiResourceLink", "title": "Site visit log", "url": "https://worklink.test/lti/launch",
        "custom": {"task": "site-visit"},
        "lineItem": {"scoreMaximum": 4, "label": "Site visit", "resourceId": "task-7", "tag": "wbl"}}


@pytest.fixture
def dl_data(launch_token) -> str:
    token = launch_token("Rivera", deep_link=True)
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims[DL + "deep_linking_settings"]["data"]  # type: ignore[no-any-return]


@pytest.fixture
def response_claims(dl_data: str) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": CLIENT_ID, "aud": ISSUER, "iat": now, "exp": now + 300,
            "nonce": uuid.uuid4().hex, LTI + "message_type": "LtiDeepLinkingResponse",
            LTI + "version": "1.3.0", LTI + "deployment_id": DEPLOYMENT_ID, DL + "data": dl_data,
            DL + "content_items": [ITEM], DL + "msg": "One task added"}


def placements_page(lms) -> str:
    return lms.get("/sandbox/").get_data(as_text=True)


def test_signed_content_becomes_a_placement_and_a_gradebook_column(lms, tool_key, response_claims, bearer):
    response = lms.post("/sandbox/deep-link-return", data={"JWT": tool_key.sign(response_claims)})

    assert response.status_code == 200
    assert "Site visit log" in response.get_data(as_text=True)
    assert "One task added" in response.get_data(as_text=True)
    assert "Site visit log" in placements_page(lms)
    [column] = lms.get("/sandbox/courses/1/lineitems?tag=wbl", headers=bearer()).get_json()
    assert column["label"] == "Site visit" and column["scoreMaximum"] == 4
    assert column["resourceId"] == "task-7" and column["resourceLinkId"].startswith("link-")


def test_the_new_placement_launches_with_its_custom_params_and_column(lms, tool_key, response_claims, launch_token):
    lms.post("/sandbox/deep-link-return", data={"JWT": tool_key.sign(response_claims)})

    claims = jwt.decode(launch_token("Amani", placement_id=2), options={"verify_signature": False})

    assert claims[LTI + "custom"] == {"task": "site-visit"}
    assert claims[LTI + "resource_link"]["title"] == "Site visit log"
    assert claims["https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"]["lineitem"].endswith("/lineitems/1")


def test_a_response_with_a_tampered_signature_is_rejected(lms, tool_key, response_claims):
    """Someone edits the signed content items and keeps the signature."""
    header, _payload, signature = tool_key.sign(response_claims).split(".")
    _h, forged_payload, _s = tool_key.sign({**response_claims, DL + "content_items": [
        {**ITEM, "title": "Injected"}]}).split(".")

    response = lms.post("/sandbox/deep-link-return", data={"JWT": f"{header}.{forged_payload}.{signature}"})

    assert response.status_code == 422 and "Nothing was added" in response.get_data(as_text=True)
    assert "Injected" not in placements_page(lms)


def test_a_response_signed_by_another_key_is_rejected(lms, stranger_key, response_claims):
    response = lms.post("/sandbox/deep-link-return", data={"JWT": stranger_key.sign(response_claims)})
    assert response.status_code == 422 and "Site visit log" not in placements_page(lms)


@pytest.mark.parametrize("claim, value", [
    ("aud", "https://other-lms.test"),
    ("iss", "another-tool"),
    (DL + "data", "not-what-we-sent"),
    (LTI + "deployment_id", "another-deployment"),
    ("nonce", None),
    ("exp", None),
])
def test_a_response_with_a_wrong_claim_is_refused(lms, tool_key, response_claims, claim, value):
    claims = {k: v for k, v in {**response_claims, claim: value}.items() if v is not None}
    response = lms.post("/sandbox/deep-link-return", data={"JWT": tool_key.sign(claims)})
    assert response.status_code == 422 and "Site visit log" not in placements_page(lms)


def test_a_replayed_response_adds_nothing_twice(lms, tool_key, response_claims):
    token = tool_key.sign(response_claims)
    assert lms.post("/sandbox/deep-link-return", data={"JWT": token}).status_code == 200
    assert lms.post("/sandbox/deep-link-return", data={"JWT": token}).status_code == 422
    assert placements_page(lms).count("Site visit log") == 1


def test_the_tools_error_message_is_shown(lms, tool_key, response_claims):
    claims = {**response_claims, DL + "content_items": [], DL + "errormsg": "No tasks yet"}
    response = lms.post("/sandbox/deep-link-return", data={"JWT": tool_key.sign(claims)})
    assert "No tasks yet" in response.get_data(as_text=True) and "Nothing was added" in response.get_data(as_text=True)


def test_without_the_tools_keys_the_response_is_not_trusted(lms, sb, tool_key, response_claims):
    def no_keys() -> dict[str, Any]:
        raise ToolKeysUnavailable("Worklink publishes no keys yet")

    sb.tool_keys = no_keys
    response = lms.post("/sandbox/deep-link-return", data={"JWT": tool_key.sign(response_claims)})

    assert response.status_code == 502 and "publishes no keys" in response.get_data(as_text=True)
    assert "Site visit log" not in placements_page(lms)
