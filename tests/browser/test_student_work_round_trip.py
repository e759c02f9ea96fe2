"""Issue 9 end to end in a real browser at a phone's width: a student opens the placed task in
the sandbox LMS, adds a link, logs hours, writes a reflection and hands it in; the teacher opens
the task's submissions and returns the work with a comment; the student reads the comment,
changes the work and hands in version 2, and version 1 is still shown as it was.

The helpers (placing a task, opening it as someone, posting a form and waiting for the answer)
are meant for other flows of the same page, such as uploads.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AskedArtifact
from lti_tool.db import make_engine
from lti_tool.models import Course
from tests.browser.console import console_errors
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_sandbox_launch import SCREENSHOTS, open_worklink_as
from tests.lti_tool.task_launch_factories import aligned_task, course_context

pytestmark = pytest.mark.browser

TITLE = "Clinic internship"
STUDENT = "Carmen Díaz"
TEACHER = "Lucia Rivera"
PHONE = (390, 844)


def seed_task(database_url: str, title: str = TITLE,
              asked: tuple[AskedArtifact, ...] = (AskedArtifact.LINKS, AskedArtifact.REFLECTION,
                                                  AskedArtifact.HOURS_LOG)) -> None:
    """A task in the sandbox course's library that asks for the ``asked`` kinds of artifact
    (after a teacher launch)."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            context_id = db.scalar(select(Course.context_id).where(
                Course.title == "WBL Seminar (Sandbox)"))
            assert context_id is not None
            task = db.get(Task, aligned_task(db, course_context(db, context_id), title))
            assert task is not None
            task.asked_artifacts = [kind.value for kind in asked]
            db.commit()
    finally:
        engine.dispose()


def in_frame(browser: Any) -> None:
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))


def place_task(browser: Any, base_url: str, title: str = TITLE) -> None:
    """The teacher (signed in) adds the task to the course with the LMS's "add content"."""
    browser.get(f"{base_url}/sandbox/")
    click(browser, By.XPATH, "//button[contains(., 'Add Worklink content')]")
    in_frame(browser)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Add work-based learning"))
    browser.find_element(By.XPATH, f"//label[contains(., '{title}')]//input").click()
    browser.find_element(By.XPATH, "//button[@value='add']").click()
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"),
                                                                      "Content added"))
    browser.switch_to.default_content()


def open_task_as(browser: Any, base_url: str, person: str, title: str = TITLE) -> str:
    """Sign in to the sandbox as ``person`` and open the placed task; stays in its frame."""
    sign_in(browser, base_url, person)
    click(browser, By.LINK_TEXT, title)
    in_frame(browser)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), title))
    return main_text(browser)


def main_text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "main").text)


def fill(browser: Any, fields: dict[str, str]) -> None:
    """Type into fields by id (date and time inputs take their value as the browser keeps it)."""
    for field_id, value in fields.items():
        element = WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, field_id)))
        if element.get_attribute("type") in ("date", "time"):
            browser.execute_script("arguments[0].value = arguments[1];", element, value)
        else:
            element.clear()
            element.send_keys(value)


def press(browser: Any, label: str, expect: str) -> str:
    """Press the button labelled ``label``, wait for the next page to say ``expect``."""
    button = WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.XPATH, f"//button[normalize-space()='{label}']")))
    button.click()
    WebDriverWait(browser, 20).until(EC.staleness_of(button))
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"),
                                                                      expect))
    return main_text(browser)


def reflect_and_answer_the_survey(browser: Any) -> None:
    """Write the reflection in its editor, save it, and answer two of the survey's questions."""
    editor = WebDriverWait(browser, 10).until(EC.element_to_be_clickable(
        (By.CSS_SELECTOR, "trix-editor#reflection")))
    editor.send_keys("I learned to listen before I act.")
    press(browser, "Save reflection", "Saved.")
    fill(browser, {"survey-learned": "How triage works"})
    browser.find_element(By.ID, "survey-recommend-yes").click()


def test_a_student_hands_in_from_a_phone_and_hands_in_again_after_a_return(
        browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, TEACHER)
    seed_task(live_server.config.database_url)
    place_task(browser, live_server.url)

    browser.set_window_size(*PHONE)
    page = open_task_as(browser, live_server.url, STUDENT)
    assert "Not started" in page and "Links: missing" in page
    assert browser.execute_script("return document.documentElement.scrollWidth") <= PHONE[0]
    fill(browser, {"link-url": "https://portfolio.example.org/clinic", "link-title": "Portfolio"})
    page = press(browser, "Add link", "Saved.")
    assert "Links: done (1)" in page and "Draft" in page
    fill(browser, {"hours-date": dt.date.today().isoformat(), "hours-start": "09:00",
                   "hours-end": "12:30", "hours-activity": "Took vitals with the triage nurse",
                   "hours-site": "Bronx Clinic"})
    page = press(browser, "Log hours", "hours logged")
    assert "3.5 of 4 hours logged" in page
    reflect_and_answer_the_survey(browser)
    browser.save_screenshot(str(SCREENSHOTS / "worklink-student-work-phone.png"))
    page = press(browser, "Hand in", "Handed in.")
    assert "Submitted" in page and "Version 1" in page
    browser.switch_to.default_content()

    # The teacher returns it from the task's submissions.
    browser.set_window_size(1280, 900)
    open_worklink_as(browser, live_server.url, TEACHER)
    in_frame(browser)
    click(browser, By.XPATH, "//a[contains(@href, '/submissions')]")
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Submissions"))
    assert "HANDED IN, WAITING\n1" in main_text(browser)  # the label is set in capitals
    click(browser, By.LINK_TEXT, STUDENT)
    WebDriverWait(browser, 20).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "Version 1"))
    assert "Portfolio" in main_text(browser) and "How triage works" in main_text(browser)
    fill(browser, {"comment": "Say what you learned from the patients."})
    press(browser, "Return for revision", "The student sees your comment.")
    browser.switch_to.default_content()

    # The student reads the comment, adds a link and hands in version 2.
    browser.set_window_size(*PHONE)
    page = open_task_as(browser, live_server.url, STUDENT)
    assert "Returned for revision" in page and "Say what you learned from the patients." in page
    fill(browser, {"link-url": "https://portfolio.example.org/patients"})
    press(browser, "Add link", "Saved.")
    page = press(browser, "Hand in version 2", "Handed in.")
    second, first = page.split("Version 2", 1)[1].split("Version 1", 1)
    assert "portfolio.example.org/patients" in second
    assert "portfolio.example.org/patients" not in first and "Portfolio" in first
    assert "Say what you learned from the patients." in first
    browser.save_screenshot(str(SCREENSHOTS / "worklink-student-versions-phone.png"))
    assert console_errors(browser) == []  # the LMS's pages and Worklink's, the editor's included
