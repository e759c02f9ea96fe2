"""The employer's side of a placement, step by step in the sandbox LMS: the teacher places the
student and issues the link, the worker mails it, a phone rates through it, the teacher
moderates. Shared by the employer round trip (issue 10) and the grades round trip (issue 11).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.models import Framework, Item
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task
from competencies.tasks.vocabulary import AlignmentType, AskedArtifact
from competencies.work import submissions
from competencies.work.entries import add_link, save_reflection
from competencies.work.handing_in import submit
from competencies.work.hours import HoursEntry, log_hours
from competencies.work.submissions import PlacedTask
from lti_tool.db import Database, make_engine
from lti_tool.mail.jobs import send_due_mail
from lti_tool.models import Course, Deployment, ResourceLink, User
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_sandbox_launch import SCREENSHOTS
from tests.competencies.tasks.task_factories import draft
from tests.lti_tool.mail.smtp_server import smtp_server

CRITERIA = ("Communication", "Working with others", "Professionalism", "Problem solving",
            "Using tools and technology")
"""The starter rubric's criteria (each 0–3 points); the employer does not observe one."""
NOT_OBSERVED = "Problem solving"
TASK = "Clinic internship"


@dataclasses.dataclass(frozen=True)
class Competency:
    """A competency the seeded task is aligned to, so its ratings become evidence."""

    code: str
    statement: str
    weight: float = 1.0


def seed_task(url: str, *, aligned_to: Competency | None = None,
              link_id: str | None = None) -> None:
    """The course's task with the starter rubric (writing tasks is another issue's page),
    optionally aligned to a competency and placed behind the LMS's resource link ``link_id``."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        course = db.scalar(select(Course).where(Course.title == "WBL Seminar (Sandbox)"))
        assert course is not None
        deployment = db.get(Deployment, course.deployment_id)
        assert deployment is not None
        context = CourseContext(course.id, deployment.id, deployment.registration_id)
        task = library.create_task(db, context, draft(title=TASK, employer_scored=True))
        # What the student hands in (hand_in_work), asked before the task is frozen for them.
        task.asked_artifacts = [AskedArtifact.LINKS.value, AskedArtifact.REFLECTION.value,
                         AskedArtifact.HOURS_LOG.value]
        library.use_starter_rubric(db, context, task.id, "employability-skills")
        if aligned_to is not None:
            framework = Framework(identifier="esf-browser", title="Employability Skills")
            db.add(framework)
            db.flush()
            item = Item(framework_id=framework.id, identifier=f"esf-browser-{aligned_to.code}",
                        human_coding_scheme=aligned_to.code, full_statement=aligned_to.statement)
            db.add(item)
            db.commit()
            library.align(db, context, task.id, item.id, AlignmentType.ASSESSES,
                          weight=aligned_to.weight)
        if link_id is not None:
            link = db.scalar(select(ResourceLink).where(ResourceLink.resource_link_id == link_id))
            assert link is not None, "the student launches the link first"
            link.task_id = task.id
            db.commit()
    engine.dispose()


def hand_in_work(url: str, student: str) -> None:
    """``student``'s work for the task, handed in: a link, a reflection and four hours (the
    student's pages are the submissions issue's own browser test)."""
    engine = make_engine(url)
    now = dt.datetime.now(dt.UTC)
    with Session(engine, expire_on_commit=False) as db:
        task = db.scalar(select(Task).where(Task.title == TASK))
        person = db.scalar(select(User).where(User.name == student))
        assert task is not None and person is not None
        course = db.scalar(select(Course).where(Course.title == "WBL Seminar (Sandbox)"))
        assert course is not None
        link = db.scalar(select(ResourceLink).where(ResourceLink.task_id == task.id))
        if link is None:
            link = ResourceLink(course_id=course.id, resource_link_id="employer-flow-task",
                                title=TASK, task_id=task.id)
            db.add(link)
            db.flush()
        submission = submissions.open_submission(
            db, PlacedTask(link.id, course.id, task), person.id, now)
        add_link(db, submission, "https://portfolio.example.org/clinic", "Clinic portfolio", now)
        save_reflection(db, submission, "<p>Triage taught me to listen first.</p>", now)
        log_hours(db, submission, HoursEntry(now.date(), "Triage with the charge nurse", hours=4,
                                             site="Bronx Community Clinic"), now.date(), now)
        submit(db, submission, now, due_at=None)
        db.commit()
    engine.dispose()


def open_in_worklink(browser: Any, site: str, person: str, ready: str) -> None:
    """Sign in to the sandbox as ``person`` and open Worklink, staying inside its frame until
    the navigation link ``ready`` is there (a link bound to a task opens on the task, not on
    a page naming the person)."""
    sign_in(browser, site, person)
    click(browser, By.LINK_TEXT, "Worklink")
    in_tool(browser)
    WebDriverWait(browser, 20).until(EC.element_to_be_clickable((By.LINK_TEXT, ready)))


def in_tool(browser: Any) -> None:
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))


def press(browser: Any, text: str) -> None:
    """Click the link or button labelled ``text``."""
    click(browser, By.XPATH, f"//a[normalize-space()='{text}'] | //button[normalize-space()='{text}']")


def fill(browser: Any, fields: dict[str, str]) -> None:
    for field_id, value in fields.items():
        element = WebDriverWait(browser, 10).until(
            EC.presence_of_element_located((By.ID, field_id)))
        browser.execute_script("arguments[0].value = arguments[1];", element, value)


def page_text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def wait_for(browser: Any, text: str, where: str = "main") -> None:
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element((By.TAG_NAME, where), text))


def open_as_supervisor(browser: Any, url: str) -> str:
    browser.get(url)
    WebDriverWait(browser, 15).until(EC.presence_of_element_located(
        (By.CSS_SELECTOR, "main h1, main .problem")))
    return page_text(browser)


def place_and_issue_link(browser: Any, site: str, student: str) -> None:
    """As the teacher: add a partner and a supervisor, place ``student``, issue the link."""
    open_in_worklink(browser, site, "Lucia Rivera", "Partners")
    press(browser, "Partners")
    fill(browser, {"name": "Bronx Community Clinic", "sector": "Healthcare",
                   "pathways": "Patient Care"})
    press(browser, "Add partner")
    wait_for(browser, "Bronx Community Clinic", "h1")
    fill(browser, {"s-name": "Ana Reyes", "s-email": "ana.reyes@clinic.example.org"})
    press(browser, "Add supervisor")
    wait_for(browser, "ana.reyes@clinic.example.org", "table")
    press(browser, "Placements")
    WebDriverWait(browser, 10).until(EC.presence_of_element_located((By.ID, "student_id")))
    Select(browser.find_element(By.ID, "student_id")).select_by_visible_text(student)
    Select(browser.find_element(By.ID, "task_id")).select_by_visible_text(TASK)
    fill(browser, {"starts_on": "2026-09-01", "ends_on": "2026-12-01"})
    press(browser, "Place")
    press(browser, "Issue link")
    wait_for(browser, "waiting to be sent")
    assert browser.find_elements(By.CSS_SELECTOR, "figure.qr svg")
    browser.switch_to.default_content()


def mailed_link(live_server: Any) -> str:
    """The worker sends the queued mail to the test's SMTP server; the link in its plain part."""
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
    return str(url)


def rate_on_a_phone(browser: Any, url: str, student: str, *, screenshot: str | None = None,
                    confirm_hours: bool = False) -> None:
    """The supervisor opens the link on a phone, (reads the work and confirms the hours,) rates
    every criterion Proficient (one not observed), signs and submits."""
    browser.set_window_size(390, 844)
    text = open_as_supervisor(browser, url)
    assert f"Rate {student}'s work" in text and TASK in text
    assert "#" not in browser.current_url  # the token left the address bar
    if confirm_hours:
        assert "Clinic portfolio" in text and "Triage taught me to listen first." in text
        assert "4 hours logged, 0 confirmed by you" in text
        press(browser, "Confirm these hours")
        wait_for(browser, "Hours confirmed.")
        assert "4 hours logged, 4 confirmed by you" in page_text(browser)
    for name in CRITERIA:
        level = "Not observed" if name == NOT_OBSERVED else "Proficient"
        browser.find_element(By.XPATH, f"//fieldset[legend[normalize-space()='{name}']]"
                                       f"//label[contains(., '{level}')]/input").click()
    browser.find_element(By.NAME, "signature").send_keys("Ana Reyes")
    if screenshot:
        browser.save_screenshot(str(SCREENSHOTS / screenshot))
    press(browser, "Submit rating")
    wait_for(browser, "Thank you")
    assert not browser.find_elements(By.XPATH, "//button[normalize-space()='Submit rating']")
    browser.set_window_size(1280, 900)


def moderate(browser: Any, site: str, student: str, *, reason: str) -> str:
    """As the teacher: open the pending rating, raise Communication (criterion 1) to Advanced
    with ``reason`` and accept; returns the page showing the final score. Stays in the frame."""
    open_in_worklink(browser, site, "Lucia Rivera", "Ratings to moderate")
    press(browser, "Ratings to moderate")
    press(browser, student)
    Select(browser.find_element(By.ID, "level-1")).select_by_visible_text("Advanced (3 points)")
    browser.find_element(By.ID, "reason-1").send_keys(reason)
    press(browser, "Accept (with any changes)")
    wait_for(browser, "Final score")
    return page_text(browser)
