"""Issue 4's round trip in a real browser, through the sandbox LMS.

A teacher deep-links two WBL tasks into the course; the LMS gradebook gets two graded columns
worth each rubric's maximum; a student opening each placement sees that task, with the academic
standards and O*NET competencies it is aligned to.
"""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy.orm import Session

from competencies.tasks import starters
from competencies.tasks.model import Task
from lti_tool.db import make_engine
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_sandbox_launch import SCREENSHOTS, open_worklink_as
from tests.lti_tool.task_launch_factories import (
    SKILL,
    STANDARD,
    aligned_task,
    course_context,
    shipped_template,
)

pytestmark = pytest.mark.browser

TITLES = ("Job shadow at the county clinic", "Informational interview with a nurse manager")


def _seed_tasks(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            context = course_context(db, _sandbox_context(db))
            for title in TITLES:
                aligned_task(db, context, title)
    finally:
        engine.dispose()


def _sandbox_context(db: Session) -> str:
    from sqlalchemy import select

    from lti_tool.models import Course

    context_id = db.scalar(select(Course.context_id).where(Course.title == "WBL Seminar (Sandbox)"))
    assert context_id is not None
    return context_id


def _wait_frame(browser: Any) -> None:
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))


def test_teacher_deep_links_two_tasks_and_students_open_each(browser: Any, live_server: Any) -> None:
    # The teacher's first launch makes the course known to Worklink; then its library gets tasks.
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    _seed_tasks(live_server.config.database_url)

    browser.get(f"{live_server.url}/sandbox/")
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Add Worklink content')]"))).click()
    _wait_frame(browser)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Add work-based learning"))
    for title in TITLES:
        browser.find_element(By.XPATH, f"//label[contains(., '{title}')]//input").click()
    browser.save_screenshot(str(SCREENSHOTS / "worklink-picker.png"))
    browser.find_element(By.XPATH, "//button[@value='add']").click()
    # The response is posted to the sandbox's return URL, still inside the frame; wait for the
    # LMS's own answer (the picker page also shows the titles, so they prove nothing).
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"),
                                                                      "Content added"))
    assert "with a gradebook column" in browser.find_element(By.TAG_NAME, "body").text
    browser.switch_to.default_content()

    browser.get(f"{live_server.url}/sandbox/gradebook")
    maximum = starters.load("employability-skills").maximum
    header = browser.find_element(By.CSS_SELECTOR, "thead").text
    browser.save_screenshot(str(SCREENSHOTS / "worklink-gradebook.png"))
    for title in TITLES:
        assert title in header
    assert header.count(f"out of {maximum:g}") == 2

    sign_in(browser, live_server.url, "Carmen Díaz")
    for title in TITLES:
        click(browser, By.LINK_TEXT, title)
        _wait_frame(browser)
        WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), title))
        text = browser.find_element(By.TAG_NAME, "body").text
        assert "Student view" in text
        assert STANDARD in text and SKILL in text
        other = TITLES[1] if title == TITLES[0] else TITLES[0]
        assert other not in text
        browser.save_screenshot(str(SCREENSHOTS / f"worklink-student-task-{TITLES.index(title)}.png"))
        browser.switch_to.default_content()
        browser.get(f"{live_server.url}/sandbox/")


def test_a_template_placed_by_deep_linking_is_the_courses_own_copy(
        browser: Any, live_server: Any) -> None:
    """QA D3 and D5 in the sandbox: the placed template is listed at once, and its due date can
    be set from the course home's next step (it led to a read-only template page)."""
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    engine = make_engine(live_server.config.database_url)
    try:
        with Session(engine) as db:
            title = db.get(Task, shipped_template(db)).title  # type: ignore[union-attr]
    finally:
        engine.dispose()

    browser.get(f"{live_server.url}/sandbox/")
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.XPATH, "//button[contains(., 'Add Worklink content')]"))).click()
    _wait_frame(browser)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Add work-based learning"))
    label = browser.find_element(By.XPATH, f"//label[contains(., '{title}')]")
    assert "added as this course's own copy" in label.text
    label.find_element(By.TAG_NAME, "input").click()
    browser.find_element(By.XPATH, "//button[@value='add']").click()
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"),
                                                                      "Content added"))
    browser.switch_to.default_content()

    home = open_worklink_as(browser, live_server.url, "Lucia Rivera")
    assert "Added, not opened yet" in home and title in home
    assert "No task is placed in this course yet." not in home
    assert f"Set a due date for “{title}”" in home
    _wait_frame(browser)
    click(browser, By.LINK_TEXT, "Go to the task")
    due = WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.ID, "due_at")))
    assert due.is_enabled() and "shared template" not in browser.find_element(By.TAG_NAME, "body").text
    browser.switch_to.default_content()
