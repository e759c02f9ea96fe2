"""Worklink fits the LMS: the frame takes the page's height (one scroll), and pages reflow at 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser

FRAME = "iframe.tool-frame"


def _frame_height(browser: Any) -> float:
    return float(browser.execute_script(
        f"return document.querySelector('{FRAME}').getBoundingClientRect().height"))


def _inside(browser: Any, script: str) -> Any:
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, FRAME))
    try:
        return browser.execute_script(script)
    finally:
        browser.switch_to.default_content()


def test_the_lms_frame_takes_the_height_worklink_asks_for(browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    WebDriverWait(browser, 10).until(lambda b: b.execute_script(
        f"return document.querySelector('{FRAME}').dataset.resized === 'true'"))
    content = _inside(browser, "return document.documentElement.getBoundingClientRect().height")
    assert abs(_frame_height(browser) - content) <= 4  # the frame's 1 px border on each side

    # A longer page inside the same frame: the frame grows with it, and nothing scrolls inside.
    before = _frame_height(browser)
    # (Inline styles are refused by Worklink's CSP: the page grows by paragraphs instead.)
    added = _inside(browser, "var main = document.querySelector('main');"
                             "var start = document.documentElement.getBoundingClientRect().height;"
                             "for (var i = 0; i < 60; i++) { var p = document.createElement('p');"
                             " p.textContent = 'More of the page ' + i; main.appendChild(p); }"
                             "return document.documentElement.getBoundingClientRect().height - start;")
    assert added > 1000
    WebDriverWait(browser, 10).until(lambda b: _frame_height(b) >= before + added - 2)
    inner = _inside(browser, "return [document.documentElement.scrollHeight,"
                             " document.documentElement.clientHeight]")
    assert inner[0] <= inner[1] + 1, "the tool frame scrolls inside the LMS page"


TEACHER_PAGES = ("", "/tasks", "/tasks/new", "/tasks/{task}", "/tasks/{task}/rubric",
                 "/tasks/{task}/alignments", "/tasks/{task}/preview/student",
                 "/tasks/{task}/preview/employer", "/coverage", "/roster")


def _create_task_with_rubric(browser: Any, course_url: str) -> str:
    browser.get(course_url + "/tasks/new")
    browser.find_element(By.ID, "title").send_keys("Job shadow at a veterinary clinic")
    Select(browser.find_element(By.ID, "stage")).select_by_value("exploration")
    Select(browser.find_element(By.ID, "experience_type")).select_by_value("job_shadow")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]:not(.secondary)").click()
    WebDriverWait(browser, 10).until(EC.url_matches(r"/tasks/\d+"))
    task = re.search(r"/tasks/(\d+)", browser.current_url)
    assert task is not None
    browser.get(f"{course_url}/tasks/{task.group(1)}/rubric")
    browser.find_element(By.XPATH, "//button[contains(., 'Use this starter')]").click()
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "max-score")))
    return task.group(1)


def test_every_teacher_page_reflows_at_320_px(browser: Any, live_server: Any) -> None:
    """WCAG 1.4.10: no horizontal scroll at 320 CSS px (wide data tables scroll in their own region)."""
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    home = _inside(browser, "return document.querySelector('nav.site-nav a').href")
    course = re.search(r"(.*/teacher/course/\d+)", home)
    assert course is not None, home
    # The session cookie is the same site's: the pages open on their own, as in a new window.
    task = _create_task_with_rubric(browser, course.group(1))
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 320, "height": 700, "deviceScaleFactor": 1, "mobile": False})
    overflowing = {}
    for page in TEACHER_PAGES:
        browser.get(course.group(1) + page.format(task=task))
        assert browser.find_element(By.TAG_NAME, "main").text
        width = browser.execute_script("return document.documentElement.scrollWidth")
        if width > 320:
            overflowing[page] = width
    assert not overflowing, f"pages wider than 320 px: {overflowing}"
