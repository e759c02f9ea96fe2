"""On a phone, the supervisor reads what the student handed in and confirms their hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners import directory
from competencies.partners.directory import PartnerDraft, SupervisorDraft
from competencies.partners.placements import PlacementDraft, create_placement
from competencies.partners.vocabulary import PartnerKind
from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.vocabulary import EvidenceKind
from competencies.work import submissions
from competencies.work.entries import add_link, save_reflection
from competencies.work.handing_in import submit
from competencies.work.hours import HoursEntry, log_hours
from competencies.work.model import Artifact
from competencies.work.submissions import PlacedTask
from lti_tool.db import make_engine
from lti_tool.employer import issuing
from lti_tool.models import Course, Deployment, ResourceLink, User
from tests.browser.sandbox_actions import click
from tests.browser.test_sandbox_launch import SCREENSHOTS, open_worklink_as
from tests.competencies.tasks.task_factories import draft

pytestmark = pytest.mark.browser

NOW = dt.datetime.now(dt.UTC)


def _hand_in_and_issue(live_server: Any) -> tuple[str, int]:
    """Amani's handed-in work for a placed task, and the supervisor's link (url, hours entry)."""
    engine = make_engine(live_server.config.database_url)
    with Session(engine, expire_on_commit=False) as db:
        course = db.scalar(select(Course).where(Course.title == "WBL Seminar (Sandbox)"))
        assert course is not None
        deployment = db.get(Deployment, course.deployment_id)
        assert deployment is not None
        context = CourseContext(course.id, deployment.id, deployment.registration_id)
        task = library.create_task(db, context, draft(title="Clinic internship",
                                                      employer_scored=True))
        library.use_starter_rubric(db, context, task.id, "employability-skills")
        task.evidence = [EvidenceKind.LINKS.value, EvidenceKind.REFLECTION.value,
                         EvidenceKind.HOURS_LOG.value]
        link = ResourceLink(course_id=course.id, resource_link_id="clinic-link",
                            title=task.title, task_id=task.id)
        db.add(link)
        student = db.scalar(select(User).where(User.name == "Amani Okafor"))
        assert student is not None
        partner = directory.create_partner(db, context, PartnerDraft(
            name="Bronx Community Clinic", kind=PartnerKind.EMPLOYER, sector="Healthcare"))
        supervisor = directory.add_supervisor(db, context, partner.id, SupervisorDraft(
            name="Ana Reyes", email="ana.reyes@clinic.example.org"))
        placement = create_placement(db, context, {"amani": student.id}, PlacementDraft(
            student_id=student.id, partner_id=partner.id, supervisor_id=supervisor.id,
            task_id=task.id, starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 1),
            expected_hours=60))
        db.flush()
        submission = submissions.open_submission(
            db, PlacedTask(link.id, course.id, task), student.id, NOW)
        add_link(db, submission, "https://portfolio.example.org/amani", "Amani's portfolio", NOW)
        save_reflection(db, submission, "<p>I learned how <strong>triage</strong> works.</p>", NOW)
        entry = log_hours(db, submission, HoursEntry(NOW.date(), "Triage with the charge nurse",
                                                     hours=4, site="Bronx Community Clinic"),
                          NOW.date(), NOW)
        submit(db, submission, NOW, due_at=None)
        issued = issuing.issue_link(db, live_server.config, placement,
                                    Actor("teacher", "Lucia Rivera"), send_mail=False)
        entry_id = entry.id
    engine.dispose()
    return issued.url, entry_id


def test_the_supervisor_reads_the_work_and_confirms_the_hours_on_a_phone(
        browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Amani Okafor")  # Worklink meets the student
    url, entry_id = _hand_in_and_issue(live_server)

    browser.set_window_size(390, 844)
    browser.get(url)
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element(
        (By.TAG_NAME, "h1"), "Rate Amani Okafor's work"))
    main = browser.find_element(By.TAG_NAME, "main")
    assert "Amani's portfolio" in main.text and "how triage works" in main.text
    assert "4 hours logged, 0 confirmed by you" in main.text
    # Nothing wider than the phone: no sideways scrolling on the supervisor's page.
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth")

    click(browser, By.XPATH, "//button[normalize-space()='Confirm these hours']")
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "main .notice"), "Hours confirmed."))
    main = browser.find_element(By.TAG_NAME, "main")
    assert "4 hours logged, 4 confirmed by you" in main.text
    assert not browser.find_elements(By.XPATH, "//button[normalize-space()='Confirm these hours']")
    browser.save_screenshot(str(SCREENSHOTS / "worklink-employer-hours.png"))

    engine = make_engine(live_server.config.database_url)
    with Session(engine) as db:
        entry = db.get(Artifact, entry_id)
        assert entry is not None and entry.confirmation == "confirmed"
        assert entry.reviewed_by == "Ana Reyes"
    engine.dispose()
