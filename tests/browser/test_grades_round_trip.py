"""A final score in a real browser: the sandbox LMS's gradebook shows the points, the comment and
the Canvas submission; the teacher sees it delivered and the evidence in the heatmap; the student
sees it in My competencies.

The employer's rating and its moderation are not part of this test (another part of Worklink
builds them); the test publishes the final decision as that part will, in one transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from competencies.mastery.recording import RatedCriterion
from competencies.models import Framework, Item, RaterType
from lti_tool.db import Database
from lti_tool.grades.delivery import build_deliverer
from lti_tool.grades.final import FinalDecision, publish
from lti_tool.grades.payload import CriterionLine, GradebookScore, Grading
from lti_tool.models import ResourceLink, User
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser
RATED = dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)


def in_worklink(browser: Any, link_text: str, expect: str) -> str:
    """Inside the Worklink frame, follow a navigation link and return the page's text."""
    WebDriverWait(browser, 15).until(EC.frame_to_be_available_and_switch_to_it(
        (By.CSS_SELECTOR, "iframe.tool-frame")))
    WebDriverWait(browser, 15).until(EC.element_to_be_clickable((By.LINK_TEXT, link_text))).click()
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), expect))
    text: str = browser.find_element(By.TAG_NAME, "main").text
    return text


def test_a_final_score_reaches_the_gradebook_the_heatmap_and_the_student(browser, live_server):
    open_worklink_as(browser, live_server.url, "Amani Okafor")  # Worklink meets the student
    database = Database(live_server.config.database_url)
    try:
        with database.session() as session:
            link = session.scalars(select(ResourceLink).where(
                ResourceLink.resource_link_id == "sandbox-link-1")).one()
            student = session.scalars(select(User).where(User.sub == "sandbox-student-amani")).one()
            framework = Framework(identifier="esf-browser", title="Employability Skills")
            session.add(framework)
            session.flush()
            session.add(Item(framework_id=framework.id, identifier="esf-browser-safety",
                             human_coding_scheme="ESF.S1", full_statement="Works safely"))
            publish(session, FinalDecision(
                GradebookScore(
                    resource_link_id=link.id, user_id=student.id, source="submission:1/v1",
                    points=9, maximum=12, grading=Grading.FINAL, rated_at=RATED,
                    rater="Ana Ruiz (employer), moderated by Lucia Rivera",
                    submitted_at=dt.datetime(2026, 11, 20, 8, 30, tzinfo=dt.UTC),
                    evidence_url="https://worklink.test/evidence/1",
                    criteria=[CriterionLine("Safety", "Proficient", 3, 4, "Wore gloves every day")]),
                [RatedCriterion("Safety", 3, 4, RaterType.EMPLOYER, "Ana Ruiz", RATED,
                                artifacts=("photo-1",), comment="Wore gloves every day")],
                {"rubric": {"title": "Shadow", "criteria": [
                    {"name": "Safety", "items": ["esf-browser-safety"], "levels": []}]},
                 "alignments": []}))
            session.commit()
        assert build_deliverer(database, live_server.config, worker="browser") \
            .deliver_due_scores()["delivered"] == 1
    finally:
        database.dispose()

    # The LMS's gradebook, as the teacher sees it there.
    sign_in(browser, live_server.url, "Lucia Rivera")
    click(browser, By.LINK_TEXT, "Gradebook")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "9 / 12"))
    gradebook = browser.find_element(By.TAG_NAME, "main").text
    assert "Completed, FullyGraded" in gradebook
    assert "Submitted 2026-11-20T08:30:00+00:00; attempt 1" in gradebook
    browser.find_element(By.TAG_NAME, "summary").click()
    assert "Safety: Proficient: 3/4 (Wore gloves every day)" in browser.find_element(
        By.CSS_SELECTOR, "p.comment").text

    # Worklink, as the teacher (still signed in to the LMS): delivered, and the evidence
    # behind the heatmap's cell.
    browser.get(f"{live_server.url}/sandbox/")
    WebDriverWait(browser, 10).until(EC.element_to_be_clickable((By.LINK_TEXT, "Worklink"))).click()
    grades = in_worklink(browser, "Grades sent to the LMS", "In the gradebook")
    assert "Amani Okafor" in grades and "9 / 12" in grades
    browser.switch_to.default_content()
    heatmap = in_worklink(browser, "Mastery", "ESF.S1")
    assert "Amani Okafor" in heatmap and "3 P" in heatmap
    browser.find_element(By.LINK_TEXT, "3 P").click()
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"),
                                                                      "Ana Ruiz"))
    cell = browser.find_element(By.TAG_NAME, "main").text
    assert "Ana Ruiz (employer)" in cell and "Wore gloves every day" in cell
    assert "submission:1/v1; photo-1" in cell
    browser.switch_to.default_content()

    # The student's own page.
    open_worklink_as(browser, live_server.url, "Amani Okafor")
    mine = in_worklink(browser, "My competencies", "Works safely")
    assert "Proficient" in mine and "rated by Ana Ruiz (employer): “Wore gloves every day”" in mine
