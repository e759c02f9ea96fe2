"""Launches where the browser keeps no cookie: Platform Storage, else a new window."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from tests.lti_tool.lti.conftest import ISSUER, REMOVE, TOOL, Flow, Platform

DL_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"


def _login(flow: Flow, **extra: str) -> tuple[str, str, str]:
    response = flow.client.get("/lti/login", query_string={
        "iss": ISSUER, "login_hint": "user-123", "target_link_uri": TOOL + "/lti/launch",
        "client_id": "worklink-client", **extra})
    return response.get_data(as_text=True), response.status_code, response.headers.get("Location", "")


def test_login_with_a_storage_target_stores_the_state_in_the_platform(flow: Flow) -> None:
    page, status, _ = _login(flow, lti_storage_target="post_message_forwarding")
    assert status == 200
    assert 'data-action="put"' in page and 'data-target="post_message_forwarding"' in page
    assert 'data-origin="https://platform.test"' in page
    assert "<script>" not in page  # no inline script: the CSP forbids it


def _state_and_nonce(page: str) -> tuple[str, str]:
    next_url = re.search(r'data-next="([^"]+)"', page)
    assert next_url is not None
    query = parse_qs(urlparse(next_url.group(1).replace("&amp;", "&")).query)
    return query["state"][0], query["nonce"][0]


def test_launch_without_cookie_confirms_through_platform_storage(flow: Flow, platform: Platform) -> None:
    page, _, _ = _login(flow, lti_storage_target="_parent")
    state, nonce = _state_and_nonce(page)
    flow.client._cookies.clear()  # third-party cookies blocked
    response = flow.post(platform.sign(platform.claims(nonce)), state)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-action="get"' in body
    ticket = re.search(r'name="ticket" value="([^"]+)"', body)
    assert ticket is not None
    wrong = flow.client.post("/lti/launch/complete", data={"ticket": ticket.group(1), "state": "guess"})
    assert wrong.status_code == 400
    # The ticket is single-use: even the right state cannot reuse it after a failed attempt.
    again = flow.client.post("/lti/launch/complete", data={"ticket": ticket.group(1), "state": state})
    assert again.status_code == 400


def test_platform_storage_completion_lands_on_the_home_page(flow: Flow, platform: Platform) -> None:
    page, _, _ = _login(flow, lti_storage_target="_parent")
    state, nonce = _state_and_nonce(page)
    flow.client._cookies.clear()
    body = flow.post(platform.sign(platform.claims(nonce)), state).get_data(as_text=True)
    ticket = re.search(r'name="ticket" value="([^"]+)"', body)
    assert ticket is not None
    response = flow.client.post("/lti/launch/complete", data={"ticket": ticket.group(1), "state": state})
    assert response.status_code == 200
    assert b"Teacher view" in response.data


def _blocked_launch(flow: Flow, platform: Platform, **extra: str) -> str:
    """A launch whose state cookie did not come back (the frame keeps no cookie)."""
    _, status, location = _login(flow, **extra)
    if status == 302:
        query = parse_qs(urlparse(location).query)
        state, nonce = query["state"][0], query["nonce"][0]
    else:
        state, nonce = _state_and_nonce(_)
    flow.client._cookies.clear()
    response = flow.post(platform.sign(platform.claims(nonce)), state)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _code(page: str) -> str:
    found = re.search(r'name="code" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_without_cookie_or_platform_storage_offers_a_new_window(flow: Flow, platform: Platform) -> None:
    body = _blocked_launch(flow, platform)
    assert "Open Worklink in a new window" in body
    # A form posting a one-time code into a new window: never the platform's login again (its
    # launch id is spent) and nothing in the new window's address.
    assert 'target="_blank"' in body and 'action="/lti/launch/window"' in body
    assert "/lti/login" not in body and "lti_message_hint" not in body


def test_a_blocked_deep_linking_launch_waits_in_the_frame_for_the_answer(flow: Flow,
                                                                          platform: Platform) -> None:
    """Moodle reads a picker's answer only in the frame that asked (its return page calls its parent)."""
    settings = {"deep_link_return_url": "https://platform.test/mod/lti/contentitem_return.php?id=1&sesskey=x",
                "accept_types": ["ltiResourceLink"], "accept_presentation_document_targets": ["iframe"]}
    _, _, location = _login(flow)
    query = parse_qs(urlparse(location).query)
    flow.client._cookies.clear()
    body = flow.post(platform.sign(platform.claims(
        query["nonce"][0], lti_message_type="LtiDeepLinkingRequest", lti_resource_link=REMOVE,
        **{DL_SETTINGS: settings})), query["state"][0]).get_data(as_text=True)
    handback = re.search(r'<form id="deep-link-handback" method="post" action="([^"]+)"', body)
    assert handback is not None
    assert handback.group(1) == settings["deep_link_return_url"].replace("&", "&amp;")
    assert 'rel="opener"' in body and "window_handback.js" in body


def test_a_blocked_resource_link_launch_has_no_answer_to_wait_for(flow: Flow, platform: Platform) -> None:
    body = _blocked_launch(flow, platform)
    assert "deep-link-handback" not in body and "window_handback.js" not in body


def test_the_new_window_completes_the_launch_once(flow: Flow, platform: Platform) -> None:
    code = _code(_blocked_launch(flow, platform))
    window = flow.client.post("/lti/launch/window", data={"code": code})
    assert window.status_code == 200 and b"Teacher view" in window.data
    assert any(c.startswith("wl_session=") for c in window.headers.getlist("Set-Cookie"))
    again = flow.client.post("/lti/launch/window", data={"code": code})
    assert again.status_code == 400 and again.headers["X-Worklink-Error"] == "handoff_expired"


def test_a_guessed_new_window_code_gets_nothing(flow: Flow, platform: Platform) -> None:
    _blocked_launch(flow, platform)
    response = flow.client.post("/lti/launch/window", data={"code": "guess"})
    assert response.status_code == 400 and b"Teacher view" not in response.data


def test_the_launch_completes_in_the_frame_or_the_window_never_both(flow: Flow, platform: Platform) -> None:
    page, _, _ = _login(flow, lti_storage_target="_parent")
    state, nonce = _state_and_nonce(page)
    flow.client._cookies.clear()
    body = flow.post(platform.sign(platform.claims(nonce)), state).get_data(as_text=True)
    ticket = re.search(r'name="ticket" value="([^"]+)"', body)
    assert ticket is not None
    assert flow.client.post("/lti/launch/complete",
                            data={"ticket": ticket.group(1), "state": state}).status_code == 200
    late = flow.client.post("/lti/launch/window", data={"code": _code(body)})
    assert late.status_code == 400


def test_another_site_cannot_spend_the_code_to_sign_someone_in(flow: Flow, platform: Platform) -> None:
    """An attacker launches as themselves and posts their code from their own site (login CSRF)."""
    code = _code(_blocked_launch(flow, platform))
    forged = flow.client.post("/lti/launch/window", data={"code": code},
                              headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403 and b"Teacher view" not in forged.data
    mine = flow.client.post("/lti/launch/window", data={"code": code},
                            headers={"Sec-Fetch-Site": "same-origin"})
    assert mine.status_code == 200 and b"Teacher view" in mine.data
