"""Issue 11 end to end in a real browser: a supervisor rates through the signed link, the
teacher adjusts a criterion with a reason and accepts, the worker delivers, and the sandbox
LMS's gradebook shows the points, the comment and the Canvas submission; the teacher sees it
delivered and the evidence behind the heatmap's cell with its provenance; the student sees it
in My competencies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from babel.dates import format_date
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from competencies.scoring.model import RubricRating
from lti_tool.db import Database
from lti_tool.grades.delivery import build_deliverer
from lti_tool.jobs.grade_delivery import deliver_grades
from lti_tool.models import DeliveryState, GradeOutbox
from tests.browser.employer_flow import (
    Competency,
    mailed_link,
    moderate,
    open_in_worklink,
    place_and_issue_link,
    rate_on_a_phone,
    seed_task,
)
from tests.browser.sandbox_actions import click, sign_in
from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser
REASON = "Presented to the whole team"


def in_worklink(browser: Any, link_text: str, expect: str) -> str:
    """Inside the Worklink frame, follow a navigation link and return the page's text."""
    WebDriverWait(browser, 15).until(EC.element_to_be_clickable((By.LINK_TEXT, link_text))).click()
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), expect))
    text: str = browser.find_element(By.TAG_NAME, "main").text
    return text


def test_a_moderated_employer_rating_reaches_the_gradebook_the_heatmap_and_the_student(
        browser: Any, live_server: Any) -> None:
    site = live_server.url
    open_worklink_as(browser, site, "Amani Okafor")  # Worklink meets the student and the link
    seed_task(live_server.config.database_url, link_id="sandbox-link-1",
              aligned_to=Competency("ESF.S1", "Communicates clearly at work", weight=2))
    place_and_issue_link(browser, site, "Amani Okafor")
    rate_on_a_phone(browser, mailed_link(live_server), "Amani Okafor")
    # Proficient (2 of 3) on four criteria, one not observed; Communication raised to 3.
    final = moderate(browser, site, "Amani Okafor", reason=REASON)
    assert "9 / 12" in final
    browser.switch_to.default_content()

    # The worker's periodic job delivers: the employer's pending score was replaced by the
    # moderated one before it left, so one score reaches the gradebook.
    database = Database(live_server.config.database_url)
    try:
        counts = deliver_grades(build_deliverer(database, live_server.config, worker="browser"))
        assert counts.get("delivered") == 1, counts
        with database.session() as session:
            states = sorted(r.state.value for r in session.scalars(select(GradeOutbox)))
            signed = session.scalars(select(RubricRating)).one().submitted_at
        assert states == [DeliveryState.DELIVERED.value, DeliveryState.SUPERSEDED.value]
        assert signed is not None
    finally:
        database.dispose()

    # The LMS's gradebook, as the teacher sees it there: points, comment, Canvas submission
    # (submitted when the supervisor signed, not when the grade was sent; one attempt).
    sign_in(browser, site, "Lucia Rivera")
    click(browser, By.LINK_TEXT, "Gradebook")
    WebDriverWait(browser, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"), "9 / 12"))
    gradebook = browser.find_element(By.TAG_NAME, "main").text
    assert "Completed, FullyGraded" in gradebook
    submitted = signed.astimezone(dt.UTC).replace(microsecond=0).isoformat()
    assert f"Submitted {submitted}; attempt 1" in gradebook
    browser.find_element(By.TAG_NAME, "summary").click()
    comment = browser.find_element(By.CSS_SELECTOR, "p.comment").text
    # Each line is what the level adds to the grade; they add up to the 9 of 12 shown.
    assert "Communication: Advanced, 3 of 3 points" in comment
    assert "Working with others: Proficient, 2 of 3 points" in comment
    assert "Problem solving: not observed, does not count" in comment
    assert "Total: 9 of 12 points" in comment

    # Worklink, as the teacher (still signed in to the LMS): delivered, and the evidence
    # behind the heatmap's cell with who rated, who moderated and when.
    open_in_worklink(browser, site, "Lucia Rivera", "Grades sent to the LMS")
    grades = in_worklink(browser, "Grades sent to the LMS", "In the gradebook")
    assert "Amani Okafor" in grades and "9 / 12" in grades
    heatmap = in_worklink(browser, "Mastery", "ESF.S1")
    assert "Amani Okafor" in heatmap
    click(browser, By.XPATH, "//tbody//tr[contains(., 'Amani Okafor')]//a[not(contains(., 'Amani'))]")
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element((By.TAG_NAME, "main"),
                                                                      "Ana Reyes"))
    rows = {row.find_element(By.CSS_SELECTOR, "td[data-label='Criterion']").text: row.text
            for row in browser.find_elements(By.CSS_SELECTOR, "main tbody tr")}
    assert set(rows) == {"Communication", "Working with others", "Professionalism",
                         "Using tools and technology"}  # not observed gives no evidence
    today = format_date(dt.datetime.now(dt.UTC).date(), "medium", locale="en")  # "Dec 7, 2026"
    kept = rows["Professionalism"]
    assert "Ana Reyes (employer)" in kept and f"Accepted by Lucia Rivera on {today}" in kept
    changed = rows["Communication"]
    assert "Lucia Rivera (teacher)" in changed and "3 / 3" in changed
    assert f"Changed by Lucia Rivera on {today} from Ana Reyes's “Proficient”: {REASON}" in changed
    # The placement the evidence came from, in words (a link to it), and the weight.
    assert all("Amani Okafor at " in row and "placement:" not in row and "2" in row
               for row in rows.values())
    browser.switch_to.default_content()

    # The student's own page, with the same provenance.
    open_in_worklink(browser, site, "Amani Okafor", "My competencies")
    mine = in_worklink(browser, "My competencies", "rated by Ana Reyes")
    assert "Communicates clearly at work" in mine
    assert "rated by Ana Reyes (employer)" in mine and f"Accepted by Lucia Rivera on {today}" in mine
    assert "rated by Lucia Rivera (teacher)" in mine and REASON in mine
