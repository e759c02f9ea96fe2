"""A Spanish-speaking supervisor on a phone opens their link, switches the page to English, rates
and submits. The form starts with no "None" in the comment or the signature (and autosave
stores none); the page that comes back is still in English, and its first screen says, first,
that the rating was submitted and when, in the page's language.
"""

from __future__ import annotations

from typing import Any

import pytest
from babel.dates import format_date
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.scoring.model import RubricRating
from lti_tool.db import make_engine
from lti_tool.employer import issuing
from tests.browser.employer_flow import CRITERIA
from tests.competencies.partners.factories import school
from tests.lti_tool.employer.conftest import TEACHER

pytestmark = pytest.mark.browser


def issue_for_a_spanish_supervisor(live_server: Any) -> str:
    """A link for a placement whose supervisor reads Spanish (also the autosave test's)."""
    engine = make_engine(live_server.config.database_url)
    with Session(engine, expire_on_commit=False) as db:
        placement = school(db, language="es").place(db)
        url = issuing.issue_link(db, live_server.config, placement, TEACHER, send_mail=False).url
    engine.dispose()
    return url


def _rating(live_server: Any) -> RubricRating:
    engine = make_engine(live_server.config.database_url)
    with Session(engine, expire_on_commit=False) as db:
        rating = db.scalar(select(RubricRating))
    engine.dispose()
    assert rating is not None
    return rating


def _lang(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "html").get_attribute("lang"))


def test_a_supervisor_who_switches_to_english_submits_and_reads_the_outcome_first(
        browser: Any, live_server: Any) -> None:
    url = issue_for_a_spanish_supervisor(live_server)
    browser.set_window_size(390, 844)
    browser.get(url)
    wait = WebDriverWait(browser, 15)
    wait.until(EC.presence_of_element_located((By.ID, "rating")))
    assert _lang(browser) == "es"
    overall = browser.find_element(By.NAME, "overall")
    signature = browser.find_element(By.NAME, "signature")
    assert (overall.get_attribute("value"), signature.get_attribute("value")) == ("", "")

    browser.find_element(By.CSS_SELECTOR, "a.lang").click()
    wait.until(lambda b: _lang(b) == "en")
    for name in CRITERIA:
        browser.find_element(
            By.CSS_SELECTOR, f"input[name='level:{name}'][value='Proficient']").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-saved]"),
                                                "Draft saved."))
    assert _rating(live_server).overall_comment == ""
    browser.find_element(By.NAME, "signature").send_keys("Ana Reyes")
    browser.find_element(By.XPATH, "//button[normalize-space()='Submit rating']").click()

    outcome = wait.until(EC.presence_of_element_located((By.ID, "outcome")))
    assert browser.current_url.endswith("/employer/review") and _lang(browser) == "en"
    submitted = _rating(live_server).submitted_at
    assert submitted is not None
    day = format_date(submitted.date(), "medium", locale="en")  # the course has no zone: UTC
    assert outcome.text == (f"Thank you. Your rating was submitted on {day}; the teacher will "
                            "review it.")
    assert outcome.get_attribute("role") == "status"
    assert browser.title.startswith("Rating submitted · ")
    # On the phone's first screen, right under the heading, before the work and the hours.
    top, bottom = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [window.scrollY + r.top, "
        "window.scrollY + r.bottom];", outcome)
    assert bottom <= browser.execute_script("return window.innerHeight")
    heading = browser.find_element(By.CSS_SELECTOR, "main h1")
    assert browser.execute_script(
        "return arguments[0].nextElementSibling === arguments[1]", heading, outcome)
    assert top > 0
