"""A supervisor's page was open when the teacher decided the final score: the next change they
make is refused by the server, and the page now says so, in their language, instead of saving
silently into nothing; it tries no more saves."""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.audit import Actor
from competencies.partners.model import Placement
from competencies.scoring import moderation, ratings
from competencies.scoring.finals import Work
from competencies.scoring.ratings import Choice
from lti_tool.db import make_engine
from tests.browser.console import console_errors
from tests.browser.employer_flow import CRITERIA
from tests.browser.test_employer_visit import issue_for_a_spanish_supervisor

pytestmark = pytest.mark.browser

REFUSED = ("El docente ya decidió el puntaje final de este trabajo, así que ya no se puede "
           "enviar nada desde esta página; no se guardó nada.")


def _teacher_scores(live_server: Any) -> None:
    engine = make_engine(live_server.config.database_url)
    with Session(engine, expire_on_commit=False) as db:
        placement = db.scalar(select(Placement))
        assert placement is not None
        version, rubric = ratings.rubric_for(db, placement)
        moderation.score_directly(db, Work.of_placement(db, placement), version, rubric,
                                  Actor("teacher", "Lucia Rivera"),
                                  {name: Choice("Beginning") for name in CRITERIA})
    engine.dispose()


def _choose(browser: Any, criterion: str, level: str) -> None:
    browser.find_element(
        By.CSS_SELECTOR, f"input[name='level:{criterion}'][value='{level}']").click()


def test_an_open_page_says_the_teacher_decided_when_its_autosave_is_refused(
        browser: Any, live_server: Any) -> None:
    browser.set_window_size(390, 844)
    browser.get(issue_for_a_spanish_supervisor(live_server))
    wait = WebDriverWait(browser, 15)
    wait.until(EC.presence_of_element_located((By.ID, "rating")))
    status = browser.find_element(By.CSS_SELECTOR, "[data-saved]")
    _choose(browser, CRITERIA[0], "Proficient")
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "[data-saved]"),
                                                "Borrador guardado."))

    _teacher_scores(live_server)
    _choose(browser, CRITERIA[1], "Proficient")
    wait.until(lambda b: status.text == REFUSED)
    assert status.get_attribute("role") == "status"
    # Nothing more is tried: the buttons that would send the form are off, and a further
    # change leaves the words as they are.
    buttons = browser.find_elements(By.CSS_SELECTOR, "#rating button[type='submit']")
    assert buttons and all(not b.is_enabled() for b in buttons)
    _choose(browser, CRITERIA[2], "Proficient")
    time.sleep(1)  # longer than the autosave's pause
    assert browser.execute_script(
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.endsWith('/employer/save')).length") == 2
    assert status.text == REFUSED
    # The one refusal the console reports is the 409 itself.
    assert [e for e in console_errors(browser) if "409" not in e] == []
