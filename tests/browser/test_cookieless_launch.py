"""A launch from a cross-site course page, where the browser keeps no Worklink cookie.

The course page is opened as ``localhost`` while Worklink (and the sandbox's OIDC endpoints)
answer as ``127.0.0.1``: two sites, as a real LMS and Worklink are. Inside that frame the browser
drops Worklink's state cookie, so the launch must be confirmed through the platform's
postMessage storage frame, exactly as with Canvas.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.sandbox_actions import click, sign_in

pytestmark = pytest.mark.browser


def test_student_launches_through_platform_storage_without_cookies(browser: Any, live_server: Any) -> None:
    other_site = live_server.url.replace("127.0.0.1", "localhost")
    assert other_site != live_server.url
    sign_in(browser, other_site, "Bao Tran")
    click(browser, By.LINK_TEXT, "Worklink")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "main"),
                                                                      "Bao Tran"))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Student view" in text and "WBL Seminar (Sandbox)" in text
    # The launch was confirmed through Platform Storage, not by a cookie: the frame ended on
    # the completion step that only the storage page posts to.
    assert browser.execute_script("return window.location.pathname") == "/lti/launch/complete"
    assert all(c["name"] != "wl_session" for c in browser.get_cookies())
    token = browser.find_element(By.CSS_SELECTOR, 'meta[name="worklink-session"]').get_attribute("content")
    assert token
