"""The rich-text editor works under Worklink's Content-Security-Policy, with a quiet console.

Found by the QA walk: Trix inserts ``<style>`` elements for its own elements, and under
``default-src 'self'`` Chromium refused each one and logged a CSP violation on every page with
an editor. Now each page names a fresh nonce in ``<meta name="trix-csp-nonce">`` and its policy
admits styles carrying it. A page drawn in place in a cookieless frame keeps the policy of the
first page of that frame; its editor is checked too. (Chromedriver's console log leaves out a
cross-site frame's messages, so there the proof is that Trix's styles apply: a refused
``<style>`` has no style sheet.)
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.browser.console import console_errors
from tests.browser.sandbox_actions import sign_in
from tests.browser.test_cookieless_pages import Frame
from tests.browser.test_teacher_first_minutes import course_url

pytestmark = pytest.mark.browser

TRIX_STYLES_APPLIED = (
    "var styles = document.querySelectorAll('style[data-tag-name]');"
    "return styles.length > 0 && Array.prototype.every.call(styles, function (s) {"
    " return s.sheet !== null && s.sheet.cssRules.length > 0; });")


def write_in_bold(browser: Any, plain: str, bold: str) -> None:
    """Type ``plain`` then ``bold`` in the description, the second with the toolbar's Bold."""
    editor = WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "trix-editor#description")))
    editor.click()
    editor.send_keys(plain)
    button = browser.find_element(By.CSS_SELECTOR, "trix-toolbar button[data-trix-attribute='bold']")
    button.click()
    # Trix marks the button once bold is on; typing before that (a loaded machine) typed plain.
    WebDriverWait(browser, 10).until(lambda _: "trix-active" in (button.get_attribute("class") or ""))
    editor.send_keys(bold)


def test_a_teacher_writes_with_the_editor_and_the_console_stays_quiet(
        browser: Any, live_server: Any) -> None:
    course = course_url(browser, live_server.url, spanish=False)
    console_errors(browser)  # the sandbox's own pages are not under test here
    browser.get(course + "/tasks/new")
    assert browser.execute_script(TRIX_STYLES_APPLIED)
    browser.find_element(By.ID, "title").send_keys("Clinic observation")
    write_in_bold(browser, "Watch a nurse for ", "one morning")
    Select(browser.find_element(By.ID, "stage")).select_by_index(1)
    Select(browser.find_element(By.ID, "experience_type")).select_by_index(1)
    browser.find_element(By.XPATH, "//button[contains(., 'Create task')]").click()
    WebDriverWait(browser, 10).until(EC.url_matches(r"/tasks/\d+(\?|$)"))
    saved = browser.find_element(By.CSS_SELECTOR, "input[name='description']").get_attribute("value")
    assert "<strong>one morning</strong>" in (saved or ""), saved
    assert browser.execute_script(TRIX_STYLES_APPLIED)  # the saved task's form: a new nonce
    assert console_errors(browser) == []


def test_the_editor_keeps_its_styles_on_a_page_drawn_in_place_without_cookies(
        browser: Any, live_server: Any) -> None:
    other_site = live_server.url.replace("127.0.0.1", "localhost")
    sign_in(browser, other_site, "Lucia Rivera")
    browser.find_element(By.LINK_TEXT, "Worklink").click()
    frame = Frame(browser)
    frame.enter()
    frame.wait_heading("WBL Seminar (Sandbox)")
    frame.click("Task library")
    frame.wait_heading("Work-based learning tasks")
    frame.click("New task")  # drawn in place: the frame's document keeps its first policy
    frame.wait_heading("New work-based learning task")
    assert browser.execute_script(TRIX_STYLES_APPLIED)
    write_in_bold(browser, "Shadow a vet for ", "a day")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "trix-editor strong"), "a day"))
