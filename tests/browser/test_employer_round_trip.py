"""Issue 10 end to end in a real browser: a teacher in the sandbox LMS adds a partner and a
placement and sends the link; the test's SMTP server receives the email; a phone-sized browser
opens the link from it, scores the rubric and signs; the teacher adjusts one criterion with a
reason and accepts; the audit log shows each step; tampered, revoked and expired links each
show their page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.partners.links import EmployerLink
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from lti_tool.db import Database, make_engine
from lti_tool.employer import issuing
from lti_tool.mail.jobs import send_due_mail
from lti_tool.models import Course, Deployment
from tests.browser.sandbox_actions import click
from tests.browser.test_sandbox_launch import SCREENSHOTS, open_worklink_as
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.mail.smtp_server import smtp_server

pytestmark = pytest.mark.browser

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")


def _seed_task(url: str) -> None:
    """The course's task with a rubric (writing tasks is another issue's page)."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        course = db.scalar(select(Course).where(Course.title == "WBL Seminar (Sandbox)"))
        assert course is not None
        deployment = db.get(Deployment, course.deployment_id)
        assert deployment is not None
        context = CourseContext(course.id, deployment.id, deployment.registration_id)
        task = library.create_task(db, context, draft(title="Clinic internship",
                                                      employer_scored=True))
        library.use_starter_rubric(db, context, task.id, "employability-skills")
    engine.dispose()


def _in_tool(browser: Any) -> None:
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))


def _click(browser: Any, text: str) -> None:
    click(browser, By.XPATH, f"//a[normalize-space()='{text}'] | //button[normalize-space()='{text}']")


def _fill(browser: Any, fields: dict[str, str]) -> None:
    for field_id, value in fields.items():
        element = WebDriverWait(browser, 10).until(
            EC.presence_of_element_located((By.ID, field_id)))
        browser.execute_script("arguments[0].value = arguments[1];", element, value)


def _text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def _open_as_supervisor(browser: Any, url: str) -> str:
    browser.get(url)
    WebDriverWait(browser, 15).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "main h1, main .problem")))
    return _text(browser)


def test_the_employer_round_trip(browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Amani Okafor")  # the student has launched
    _seed_task(live_server.config.database_url)
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    _in_tool(browser)

    # The teacher adds a partner and a supervisor, then places the student.
    _click(browser, "Partners")
    _fill(browser, {"name": "Bronx Community Clinic", "sector": "Healthcare",
                    "pathways": "Patient Care"})
    _click(browser, "Add partner")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Bronx Community Clinic"))
    _fill(browser, {"s-name": "Ana Reyes", "s-email": "ana.reyes@clinic.example.org"})
    _click(browser, "Add supervisor")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "table"), "ana.reyes@clinic.example.org"))
    _click(browser, "Placements")
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "student_id")))
    Select(browser.find_element(By.ID, "student_id")).select_by_visible_text("Amani Okafor")
    Select(browser.find_element(By.ID, "task_id")).select_by_visible_text("Clinic internship")
    _fill(browser, {"starts_on": "2026-09-01", "ends_on": "2026-12-01"})
    _click(browser, "Place")
    _click(browser, "Issue link")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "waiting to be sent"))
    assert browser.find_elements(By.CSS_SELECTOR, "figure.qr svg")
    browser.switch_to.default_content()

    # The worker sends the mail; the test's SMTP server receives it.
    with smtp_server() as (inbox, port):
        config = dataclasses.replace(live_server.config, smtp_host="127.0.0.1", smtp_port=port,
                                     smtp_security="none")
        database = Database(config.database_url)
        assert send_due_mail(database, config)["sent"] == 1
        database.engine.dispose()
    [message] = inbox.messages
    plain = message.get_body(("plain",))
    assert plain is not None
    [url] = re.findall(re.escape(live_server.url) + r"/employer/open#[\w.-]+",
                       plain.get_content())

    # A phone opens the link from the email, confirms nothing was spent, rates and signs.
    browser.set_window_size(390, 844)
    text = _open_as_supervisor(browser, url)
    assert "Rate Amani Okafor's work" in text and "Clinic internship" in text
    assert "#" not in browser.current_url
    for name in CRITERIA:
        level = "Not observed" if name == "Problem solving" else "Proficient"
        browser.find_element(By.XPATH, f"//fieldset[legend[normalize-space()='{name}']]"
                                       f"//label[contains(., '{level}')]/input").click()
    browser.find_element(By.NAME, "signature").send_keys("Ana Reyes")
    browser.save_screenshot(str(SCREENSHOTS / "worklink-employer-phone.png"))
    _click(browser, "Submit rating")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "Thank you"))
    assert not browser.find_elements(By.XPATH, "//button[normalize-space()='Submit rating']")

    # The teacher sees the pending rating, adjusts one criterion with a reason and accepts.
    browser.set_window_size(1280, 900)
    open_worklink_as(browser, live_server.url, "Lucia Rivera")
    _in_tool(browser)
    _click(browser, "Ratings to moderate")
    _click(browser, "Amani Okafor")
    Select(browser.find_element(By.ID, "level-1")).select_by_visible_text("Advanced (3)")
    browser.find_element(By.ID, "reason-1").send_keys("Presented to the whole team")
    _click(browser, "Accept (with any changes)")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "Final score"))
    final = _text(browser)
    assert "Presented to the whole team" in final and "Lucia Rivera (teacher)" in final
    _click(browser, "Placements")
    _click(browser, "Employer link")
    _click(browser, "Revoke this link")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "main"), "No employer link is live"))
    _click(browser, "Audit log")
    audit = _text(browser)
    for action in ("link.issued", "link.opened", "rating.saved", "link.used",
                   "rating.submitted", "rating.accepted", "link.revoked"):
        assert action in audit, action
    assert url.split("#")[1] not in browser.page_source
    browser.switch_to.default_content()

    # A tampered link, a revoked one and an expired one each show their page.
    assert "This link is not valid" in _open_as_supervisor(browser, url[:-6])
    engine = make_engine(live_server.config.database_url)
    with Session(engine, expire_on_commit=False) as db:
        link = db.scalar(select(EmployerLink))
        assert link is not None
        # The same link as if it had been issued for one second: its signed expiry has passed.
        link.expires_at = link.issued_at + dt.timedelta(seconds=1)
        expired = issuing.link_url(db, live_server.config, link)
        db.rollback()
    engine.dispose()
    assert "This link was withdrawn by the teacher" in _open_as_supervisor(browser, url)
    assert "This link has expired" in _open_as_supervisor(browser, expired)
