"""The new-window fallback against a platform that spends its launch id on first use.

Moodle 4.5 offers no Platform Storage, and its ``mod/lti/auth.php`` consumes the launch id in
``lti_message_hint`` the first time the tool's login reaches it. When the browser refuses
Worklink's cookie in the course frame, "Open Worklink in a new window" used to repeat that
login and land on Moodle's "Invalid request". Now the frame's page carries a one-time code,
posted into the new window, which completes the launch already validated.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_deep_linking_round_trip import TITLES, _seed_tasks
from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser


def _like_moodle(live_server: Any) -> None:
    sandbox = live_server.app.extensions["worklink.sandbox"]
    sandbox.settings = dataclasses.replace(sandbox.settings, platform_storage=False)


def test_the_new_window_completes_the_launch_without_a_second_login(browser: Any, live_server: Any) -> None:
    _like_moodle(live_server)
    other_site = live_server.url.replace("127.0.0.1", "localhost")
    sign_in(browser, other_site, "Bao Tran")
    click(browser, By.LINK_TEXT, "Worklink")
    login_url = WebDriverWait(browser, 15).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "iframe.tool-frame"))).get_attribute("src")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    button = WebDriverWait(browser, 20).until(EC.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Open Worklink in a new window')]")))
    course_page = browser.window_handles[0]
    button.click()
    WebDriverWait(browser, 10).until(lambda b: len(b.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != course_page))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "Bao Tran"))
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Student view" in text and "WBL Seminar (Sandbox)" in text
    # First-party now: the window keeps its own session cookie, and its address holds no code.
    assert any(c["name"] == "wl_session" for c in browser.get_cookies())
    assert browser.execute_script("return window.location.href") == f"{live_server.url}/lti/launch/window"

    # What the old link did: the platform's login again, which this platform (like Moodle)
    # refuses because its launch id is spent.
    browser.get(login_url)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "body"), "Invalid request"))


def test_a_pick_made_in_the_new_window_is_posted_by_the_course_frame(browser: Any, live_server: Any) -> None:
    """Moodle reads the picker's answer only in the frame that asked for it.

    Its return page calls ``parent.processContentItemReturnData``: posted from the new window,
    the teacher read "added" there while Moodle's activity form stayed empty. The sandbox
    accepts an answer from anywhere, so this checks where the answer arrives.
    """
    open_worklink_as(browser, live_server.url, "Lucia Rivera")  # Worklink learns the course
    _seed_tasks(live_server.config.database_url)
    _like_moodle(live_server)
    other_site = live_server.url.replace("127.0.0.1", "localhost")
    sign_in(browser, other_site, "Lucia Rivera")
    course_page = browser.current_window_handle
    click(browser, By.XPATH, "//button[contains(., 'Add Worklink content')]")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 20).until(EC.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Open Worklink in a new window')]"))).click()
    WebDriverWait(browser, 10).until(lambda b: len(b.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != course_page))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Add work-based learning"))
    browser.find_element(By.XPATH, f"//label[contains(., '{TITLES[0]}')]//input").click()
    browser.find_element(By.XPATH, "//button[@value='add']").click()

    # The window hands the answer to the frame that opened it, says so, and closes itself.
    WebDriverWait(browser, 20).until(lambda b: len(b.window_handles) == 1)
    browser.switch_to.window(course_page)
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"),
                                                                      "Content added"))
