"""Click through the sandbox LMS in a real browser: Worklink opens in the course's iframe."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.sandbox_actions import click, sign_in

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("WORKLINK_SCREENSHOT_DIR") or tempfile.gettempdir())


def open_worklink_as(browser: Any, base_url: str, person: str) -> str:
    """Sign in to the sandbox as ``person``, open the Worklink placement, return the iframe's text."""
    sign_in(browser, base_url, person)
    click(browser, By.LINK_TEXT, "Worklink")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    # The frame goes login → sandbox auth → auto-posted launch → Worklink's home page.
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "main"), person))
    text: str = browser.find_element(By.TAG_NAME, "body").text
    browser.switch_to.default_content()
    return text


def test_teacher_sees_worklinks_teacher_home_inside_the_course(browser, live_server):
    text = open_worklink_as(browser, live_server.url, "Lucia Rivera")
    browser.save_screenshot(str(SCREENSHOTS / "worklink-sandbox-teacher.png"))

    assert "WBL Seminar (Sandbox)" in text and "Lucia Rivera" in text
    assert "Teacher" in text


def test_student_sees_worklinks_student_home_inside_the_course(browser, live_server):
    text = open_worklink_as(browser, live_server.url, "Amani Okafor")
    browser.save_screenshot(str(SCREENSHOTS / "worklink-sandbox-student.png"))

    assert "WBL Seminar (Sandbox)" in text and "Amani Okafor" in text
    assert "Student" in text and "Teacher" not in text


def test_teacher_reaches_worklinks_content_picker_through_deep_linking(browser, live_server):
    """The sandbox's LtiDeepLinkingRequest is accepted by Worklink's launch."""
    sign_in(browser, live_server.url, "Lucia Rivera")
    click(browser, By.XPATH, "//button[contains(., 'Add Worklink content')]")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Add work-based learning to WBL Seminar (Sandbox)"))
    browser.switch_to.default_content()
    browser.save_screenshot(str(SCREENSHOTS / "worklink-sandbox-deep-linking.png"))


def test_sandbox_home_lists_people_and_content(browser, live_server):
    sign_in(browser, live_server.url, "Lucia Rivera")
    browser.save_screenshot(str(SCREENSHOTS / "worklink-sandbox-home.png"))

    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Sign in as Carmen Díaz (Student)" in text and "Worklink" in text
