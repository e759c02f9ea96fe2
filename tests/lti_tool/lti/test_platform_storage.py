"""Launches where the browser keeps no cookie: Platform Storage, else a new window."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from tests.lti_tool.lti.conftest import ISSUER, TOOL, Flow, Platform


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


def test_without_cookie_or_platform_storage_offers_a_new_window(flow: Flow, platform: Platform) -> None:
    _, status, location = _login(flow)
    assert status == 302
    query = parse_qs(urlparse(location).query)
    flow.client._cookies.clear()
    response = flow.post(platform.sign(platform.claims(query["nonce"][0])), query["state"][0])
    body = response.get_data(as_text=True)
    assert "Open Worklink in a new window" in body
    assert 'target="_blank"' in body and "/lti/login?" in body
