"""Deep Linking 2.0 responses: what the platform asked for is honoured, and a platform's own code accepts them.

``lti1p3platform`` (a Python LTI *platform* we did not write) verifies the signature against our
published JWKS and checks the message type and item types, so our sandbox is not the only judge.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import jwt
import pytest
from flask import Flask
from lti1p3platform.exceptions import LtiException
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration as PlatformRegistration
from sqlalchemy.orm import Session

from lti_tool.lti import keys
from lti_tool.lti.custom_params import read_task_reference, sign_task_reference
from lti_tool.lti.deep_linking import (
    CONTENT_ITEMS,
    DATA,
    ERRORMSG,
    LOG,
    MSG,
    ContentItem,
    DeepLinkingError,
    DeepLinkingRequest,
    LineItemSpec,
    build_response,
    deep_linking_request,
    render_return_form,
)
from lti_tool.lti.services import lti_services
from lti_tool.security import SESSION_COOKIE, SESSION_HEADER, current_principal
from tests.lti_tool.lti.conftest import CLIENT_ID, DEPLOYMENT_ID, ISSUER, LTI, REMOVE, Flow

RETURN_URL = "https://platform.test/deep_link/return?course=7&Token=AbC"
CANVAS_SETTINGS: dict[str, Any] = {
    "deep_link_return_url": RETURN_URL,
    "accept_types": ["ltiResourceLink"],
    "accept_presentation_document_targets": ["iframe", "window"],
    "accept_multiple": True,
    "accept_lineitem": True,
    "auto_create": True,
    "data": "opaque-Платформа-123",
}
SECRET = "test-secret-key-not-for-production"


class JudgePlatform(LTI1P3PlatformConfAbstract):
    """lti1p3platform as the receiving LMS: it knows the tool only by its published JWKS."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self.tool_jwks: dict[str, Any] = kwargs["tool_jwks"]

    def get_registration_by_params(self, **kwargs: Any) -> PlatformRegistration:
        return (PlatformRegistration().set_iss(ISSUER).set_client_id(CLIENT_ID)
                .set_deployment_id(DEPLOYMENT_ID).set_tool_key_set(self.tool_jwks))


def judge(db: Session) -> JudgePlatform:
    platform = JudgePlatform(tool_jwks=keys.public_jwks(db))
    platform.get_registration()
    platform.set_accepted_deeplinking_types(["ltiResourceLink"])
    return platform


def request_with(**settings: Any) -> DeepLinkingRequest:
    merged = {**CANVAS_SETTINGS, **settings}
    return DeepLinkingRequest.from_settings(
        {k: v for k, v in merged.items() if v is not _DROP},
        platform_issuer=ISSUER, client_id=CLIENT_ID, deployment_id=DEPLOYMENT_ID)


_DROP = object()


def task(n: int, *, points: float = 12) -> ContentItem:
    return ContentItem(
        title=f"Job shadow {n}", text="Shadow a nurse for a shift and log three observations.",
        custom=sign_task_reference(n, "course-7", secret=SECRET),
        line_item=LineItemSpec(score_maximum=points, label=f"Job shadow {n}",
                               resource_id=f"worklink-task-{n}", tag="worklink"),
    )


def verified(db: Session, token: str) -> dict[str, Any]:
    """Decode with our public JWKS, exactly as a platform would: kid → key, RS256 only."""
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys.public_jwks(db)["keys"] if k["kid"] == kid)
    return jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=ISSUER,
                      issuer=CLIENT_ID)


def test_response_is_accepted_by_lti1p3platform(db: Session) -> None:
    response = build_response(request_with(), [task(1), task(2)], signing_key=keys.signing_key(db))
    items = judge(db).validate_deeplinking_resp({"JWT": response.jwt})
    assert [i["title"] for i in items] == ["Job shadow 1", "Job shadow 2"]
    assert items[0]["lineItem"] == {"scoreMaximum": 12, "label": "Job shadow 1",
                                    "resourceId": "worklink-task-1", "tag": "worklink"}
    assert response.return_url == RETURN_URL  # upper case in the query kept as sent


def test_lti1p3platform_refuses_a_response_altered_after_signing(db: Session) -> None:
    token = build_response(request_with(), [task(1)], signing_key=keys.signing_key(db)).jwt
    header, body, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims[CONTENT_ITEMS][0]["lineItem"]["scoreMaximum"] = 1000
    forged_body = jwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises((LtiException, jwt.InvalidSignatureError)):
        judge(db).validate_deeplinking_resp({"JWT": f"{header}.{forged_body}.{signature}"})


def test_lti1p3platform_refuses_a_response_signed_by_another_key(db: Session) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    signing = keys.signing_key(db)
    stranger = keys.SigningKey(signing.kid, rsa.generate_private_key(public_exponent=65537,
                                                                     key_size=2048), "")
    token = build_response(request_with(), [task(1)], signing_key=stranger).jwt
    with pytest.raises((LtiException, jwt.InvalidSignatureError)):
        judge(db).validate_deeplinking_resp({"JWT": token})


def test_response_carries_the_required_claims_and_verifies_with_our_jwks(db: Session) -> None:
    before = int(time.time())
    response = build_response(request_with(), [task(1)], signing_key=keys.signing_key(db))
    claims = verified(db, response.jwt)
    assert jwt.get_unverified_header(response.jwt) == {"alg": "RS256", "kid": keys.signing_key(db).kid,
                                                       "typ": "JWT"}
    assert claims["iss"] == CLIENT_ID and claims["aud"] == ISSUER
    assert claims[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert claims[LTI + "version"] == "1.3.0"
    assert claims[LTI + "deployment_id"] == DEPLOYMENT_ID
    assert before <= claims["iat"] <= claims["exp"] - 60
    assert len(claims["nonce"]) >= 16
    item = claims[CONTENT_ITEMS][0]
    assert item["type"] == "ltiResourceLink" and item["text"].startswith("Shadow a nurse")
    reference = read_task_reference(item["custom"], secret=SECRET)
    assert reference is not None and reference.task_id == 1


def test_each_response_has_its_own_nonce(db: Session) -> None:
    key = keys.signing_key(db)
    nonces = {verified(db, build_response(request_with(), [task(1)], signing_key=key).jwt)["nonce"]
              for _ in range(3)}
    assert len(nonces) == 3


def test_data_is_echoed_exactly(db: Session) -> None:
    response = build_response(request_with(), [task(1)], signing_key=keys.signing_key(db))
    assert verified(db, response.jwt)[DATA] == "opaque-Платформа-123"


def test_no_data_claim_when_the_request_had_none(db: Session) -> None:
    response = build_response(request_with(data=_DROP), [task(1)], signing_key=keys.signing_key(db))
    assert DATA not in verified(db, response.jwt)


def test_several_tasks_where_the_platform_takes_one_are_refused(db: Session) -> None:
    with pytest.raises(DeepLinkingError, match="only one task at a time") as caught:
        build_response(request_with(accept_multiple=False), [task(1), task(2)],
                       signing_key=keys.signing_key(db))
    assert caught.value.code == "too_many_items"


def test_one_task_where_the_platform_takes_one_is_sent(db: Session) -> None:
    response = build_response(request_with(accept_multiple=False), [task(1)],
                              signing_key=keys.signing_key(db))
    assert len(verified(db, response.jwt)[CONTENT_ITEMS]) == 1


def test_a_missing_accept_multiple_means_one(db: Session) -> None:
    with pytest.raises(DeepLinkingError):
        build_response(request_with(accept_multiple=_DROP), [task(1), task(2)],
                       signing_key=keys.signing_key(db))


def test_a_placement_without_resource_links_gets_an_errormsg_and_no_items(db: Session) -> None:
    """Canvas editor_button accepts link/html/image only."""
    request = request_with(accept_types=["link", "html"])
    assert not request.accepts_resource_links
    claims = verified(db, build_response(request, [task(1)], signing_key=keys.signing_key(db)).jwt)
    assert claims[CONTENT_ITEMS] == []
    assert "does not accept" in claims[ERRORMSG] and "link, html" in claims[ERRORMSG]


def test_line_items_are_left_out_and_logged_when_the_platform_refuses_them(db: Session) -> None:
    claims = verified(db, build_response(request_with(accept_lineitem=False), [task(1), task(2)],
                                         signing_key=keys.signing_key(db), log="picked 2").jwt)
    assert all("lineItem" not in item for item in claims[CONTENT_ITEMS])
    assert claims[LOG].startswith("picked 2") and "2 item(s) sent without a grade column" in claims[LOG]


def test_line_items_are_sent_when_the_platform_does_not_say(db: Session) -> None:
    claims = verified(db, build_response(request_with(accept_lineitem=_DROP), [task(1)],
                                         signing_key=keys.signing_key(db)).jwt)
    assert claims[CONTENT_ITEMS][0]["lineItem"]["scoreMaximum"] == 12
    assert LOG not in claims


def test_fractional_score_maximum_is_kept(db: Session) -> None:
    claims = verified(db, build_response(request_with(), [task(1, points=7.5)],
                                         signing_key=keys.signing_key(db)).jwt)
    assert claims[CONTENT_ITEMS][0]["lineItem"]["scoreMaximum"] == 7.5


def test_messages_for_the_platform_are_included_only_when_given(db: Session) -> None:
    key = keys.signing_key(db)
    claims = verified(db, build_response(request_with(), [task(1)], signing_key=key,
                                         msg="1 task added").jwt)
    assert claims[MSG] == "1 task added" and ERRORMSG not in claims and LOG not in claims


def test_an_empty_response_cancels(db: Session) -> None:
    """The teacher closed the picker: a response with no items, accepted by the platform's code."""
    response = build_response(request_with(), [], signing_key=keys.signing_key(db))
    assert judge(db).validate_deeplinking_resp({"JWT": response.jwt}) == []


@pytest.mark.parametrize("item, code", [
    (ContentItem(title="  "), "untitled_item"),
    (ContentItem(title="T", custom={"worklink_task": 3}), "bad_custom"),  # type: ignore[dict-item]
    (ContentItem(title="T", line_item=LineItemSpec(0, "Zero")), "bad_lineitem"),
    (ContentItem(title="T", line_item=LineItemSpec(10, " ")), "bad_lineitem"),
])
def test_items_the_platform_could_not_use_are_refused(item: ContentItem, code: str,
                                                      db: Session) -> None:
    with pytest.raises(DeepLinkingError) as caught:
        build_response(request_with(), [item], signing_key=keys.signing_key(db))
    assert caught.value.code == code


# --- odd requests ------------------------------------------------------------------------

@pytest.mark.parametrize("settings, code, words", [
    (None, "missing_settings", "no settings"),
    ("return here", "missing_settings", "no settings"),
    ({**CANVAS_SETTINGS, "deep_link_return_url": None}, "missing_return_url", "no return URL"),
    ({**CANVAS_SETTINGS, "deep_link_return_url": ""}, "missing_return_url", "no return URL"),
    ({**CANVAS_SETTINGS, "deep_link_return_url": "javascript:alert(1)"}, "bad_return_url", "not a web address"),
    ({**CANVAS_SETTINGS, "deep_link_return_url": "/relative/path"}, "bad_return_url", "not a web address"),
    ({k: v for k, v in CANVAS_SETTINGS.items() if k != "accept_types"}, "bad_settings", "accept_types"),
    ({**CANVAS_SETTINGS, "accept_types": "ltiResourceLink"}, "bad_settings", "accept_types"),
    ({**CANVAS_SETTINGS, "accept_types": [1, 2]}, "bad_settings", "accept_types"),
    ({**CANVAS_SETTINGS, "accept_presentation_document_targets": "iframe"}, "bad_settings",
     "accept_presentation_document_targets"),
    ({**CANVAS_SETTINGS, "accept_multiple": "yes"}, "bad_settings", "accept_multiple"),
    ({**CANVAS_SETTINGS, "accept_lineitem": 1}, "bad_settings", "accept_lineitem"),
])
def test_odd_settings_are_refused_with_a_clear_message(settings: Any, code: str, words: str) -> None:
    with pytest.raises(DeepLinkingError) as caught:
        DeepLinkingRequest.from_settings(settings, platform_issuer=ISSUER, client_id=CLIENT_ID,
                                         deployment_id=DEPLOYMENT_ID)
    assert caught.value.code == code and words in caught.value.message


def test_booleans_sent_as_strings_are_understood() -> None:
    request = request_with(accept_multiple="false", accept_lineitem="true", auto_create="true")
    assert (request.accept_multiple, request.accept_lineitem, request.auto_create) == (False, True, True)


# --- from a real launch to the platform -----------------------------------------------------

def _launch_id(app: Flask, flow: Flow) -> str:
    cookie = flow.client.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    with app.test_request_context(headers={SESSION_HEADER: cookie.value}):
        principal = current_principal()
    assert principal is not None
    return principal.launch_id


def test_a_deep_linking_launch_is_answered_and_the_platform_accepts_it(app: Flask, flow: Flow,
                                                                       db: Session) -> None:
    settings = {**CANVAS_SETTINGS, "data": "csrf-9f2"}
    launched = flow.launch(lti_message_type="LtiDeepLinkingRequest", lti_resource_link=REMOVE,
                           **{"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings":
                              settings})
    assert launched.status_code == 200, launched.get_data(as_text=True)
    signing = keys.signing_key(db)
    with app.test_request_context():
        request = deep_linking_request(lti_services(app).store, _launch_id(app, flow))
        response = build_response(request, [task(4)], signing_key=signing)
        page = render_return_form(response, 1)
    claims = verified(db, response.jwt)
    assert claims[DATA] == "csrf-9f2" and claims[LTI + "deployment_id"] == DEPLOYMENT_ID
    assert judge(db).validate_deeplinking_resp({"JWT": response.jwt})[0]["title"] == "Job shadow 4"
    form = re.search(r'<form id="deep-link-return" method="post" action="([^"]+)"', page)
    assert form is not None and form.group(1) == RETURN_URL.replace("&", "&amp;")
    assert f'name="JWT" value="{response.jwt}"' in page
    assert "<script src=" in page and "window_handback.js" in page and "<script>" not in page
    assert ">Continue</button>" in page


def test_a_resource_link_launch_opens_no_deep_linking_request(app: Flask, flow: Flow) -> None:
    flow.launch()
    with app.test_request_context(), pytest.raises(DeepLinkingError) as caught:
        deep_linking_request(lti_services(app).store, _launch_id(app, flow))
    assert caught.value.code == "no_request"
    assert "not opened with “Add content”" in caught.value.message


def test_an_expired_launch_says_so(app: Flask) -> None:
    with app.test_request_context(), pytest.raises(DeepLinkingError, match="expired"):
        deep_linking_request(lti_services(app).store, "no-such-launch")


def test_the_auto_submit_script_is_served_from_our_origin(client: Any) -> None:
    response = client.get("/static/window_handback.js")
    try:
        assert response.status_code == 200 and b"deep-link-return" in response.data
    finally:
        response.close()


def test_a_typed_launch_gives_its_request_and_a_resource_link_launch_does_not(platform: Any) -> None:
    from lti_tool.lti.launch import Launch

    claims = platform.claims("n-1", lti_message_type="LtiDeepLinkingRequest", lti_resource_link=REMOVE,
                             **{"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings":
                                CANVAS_SETTINGS})
    launch = Launch.from_claims(claims, launch_id="l-1", registration_id=1, deployment_pk=1,
                                client_id=CLIENT_ID)
    request = DeepLinkingRequest.from_launch(launch)
    assert (request.platform_issuer, request.client_id, request.deployment_id) == (
        ISSUER, CLIENT_ID, DEPLOYMENT_ID)
    plain = Launch.from_claims(platform.claims("n-2"), launch_id="l-2", registration_id=1,
                               deployment_pk=1, client_id=CLIENT_ID)
    with pytest.raises(DeepLinkingError, match="not a deep-linking request"):
        DeepLinkingRequest.from_launch(plain)
