"""The demo's first page shows the templates Worklink ships, a CCSS code finds Common Core
items, and the picker shows a task created in its other window without a new search."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy.orm import Session

from competencies.tasks import templates
from lti_tool.cli.db import load_demo_content
from lti_tool.db import make_engine
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_sandbox_launch import open_worklink_as
from tests.browser.test_teacher_first_minutes import axe_violations

pytestmark = pytest.mark.browser


def _demo_content(database_url: str) -> list[str]:
    """What `worklink demo` loads on its first start, into this test's database."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            load_demo_content(db)
            db.commit()
    finally:
        engine.dispose()
    return [templates.load(name)["title"] for name in templates.names()]


def test_the_first_page_shows_the_templates_and_a_ccss_code_finds_items(
        browser: Any, live_server: Any) -> None:
    titles = _demo_content(live_server.config.database_url)
    text = open_worklink_as(browser, live_server.url, "Lucia Rivera")
    assert "Start from a template" in text
    assert all(title in text for title in titles), text

    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe.tool-frame"))
    assert axe_violations(browser) == []
    # A template opens read-only; the teacher copies it and searches Common Core by code.
    click(browser, By.LINK_TEXT, titles[templates.names().index("guest-speaker-nurse")])
    click(browser, By.XPATH, "//button[contains(., 'Copy into this course to adapt it')]")
    click(browser, By.PARTIAL_LINK_TEXT, "Standards and competencies")
    search = WebDriverWait(browser, 20).until(EC.element_to_be_clickable((By.ID, "q")))
    search.send_keys("CCSS.Math.Content.HSS")
    click(browser, By.XPATH, "//form[@role='search']//button")
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "CCSS.Math.Content.HSS-ID.A.1"))
    main = browser.find_element(By.TAG_NAME, "main").text
    assert "Common Core State Standards for Mathematics" in main
    # The copy keeps the template's alignments, Common Core among them.
    assert "CCSS.Math.Content.7.RP.A.3" in main
    assert axe_violations(browser) == []


def test_the_picker_lists_a_task_saved_in_its_other_window(browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Lucia Rivera")   # the course becomes known
    sign_in(browser, live_server.url, "Lucia Rivera")
    click(browser, By.XPATH, "//button[contains(., 'Add Worklink content')]")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Add work-based learning"))
    picker_window = browser.current_window_handle
    click(browser, By.XPATH, "//main/p/a[contains(., 'Create a new task')]")
    WebDriverWait(browser, 15).until(lambda b: len(b.window_handles) == 2)
    browser.switch_to.window(next(h for h in browser.window_handles if h != picker_window))
    title = WebDriverWait(browser, 20).until(EC.element_to_be_clickable((By.ID, "title")))
    title.send_keys("Tour the print shop downtown")
    Select(browser.find_element(By.ID, "stage")).select_by_value("awareness")
    Select(browser.find_element(By.ID, "experience_type")).select_by_value("workplace_tour")
    click(browser, By.XPATH, "//button[contains(., 'Create task')]")
    WebDriverWait(browser, 20).until(EC.url_contains("saved=1"))

    browser.switch_to.window(picker_window)
    browser.switch_to.frame(browser.find_element(By.CSS_SELECTOR, "iframe.tool-frame"))
    # No click on Search: the list refreshes itself and says so.
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "[data-task-list-refresh]"), "Tour the print shop downtown"))
    assert "The list now includes the task you saved" in browser.find_element(
        By.ID, "task-list-status").text


# Marks the list's first task, then records when the picker's own refresh has read its answer
# (the swap, if any, happens in the same turn as that read, before a timer set then can fire).
WATCH_THE_REFRESH = """
document.querySelector('.picker-list li').dataset.kept = 'yes';
var realFetch = window.fetch;
window.fetch = function () {
  return realFetch.apply(this, arguments).then(function (response) {
    var read = response.text.bind(response);
    response.text = function () {
      return read().then(function (html) {
        setTimeout(function () { window.worklinkRefreshed = true; }, 0);
        return html;
      });
    };
    return response;
  });
};
"""


def test_the_picker_leaves_its_list_alone_when_shown_again_with_the_same_tasks(
        browser: Any, live_server: Any) -> None:
    """A teacher back from a preview tab may be about to press a box or "Add to course": the
    list is swapped only when it changed, never under their pointer for nothing."""
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    _demo_content(live_server.config.database_url)
    sign_in(browser, live_server.url, "Lucia Rivera")
    click(browser, By.XPATH, "//button[contains(., 'Add Worklink content')]")
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 20).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, ".picker-list li")))
    browser.execute_script(WATCH_THE_REFRESH)
    browser.execute_script("document.dispatchEvent(new Event('visibilitychange'))")
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return window.worklinkRefreshed"))
    assert browser.execute_script("return document.querySelector('[data-kept]') !== null")
