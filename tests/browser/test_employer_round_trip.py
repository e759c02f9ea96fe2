"""Issue 10 end to end in a real browser: a teacher in the sandbox LMS adds a partner and a
placement and sends the link; the test's SMTP server receives the email; a phone-sized browser
opens the link from it, reads the student's handed-in work, confirms the logged hours, scores the
rubric and signs; the teacher adjusts one criterion with a
reason and accepts; the audit log shows each step; tampered, revoked and expired links each
show their page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.partners.links import EmployerLink
from lti_tool.db import make_engine
from lti_tool.employer import issuing
from tests.browser.console import console_errors
from tests.browser.employer_flow import (
    hand_in_work,
    mailed_link,
    moderate,
    open_as_supervisor,
    page_text,
    place_and_issue_link,
    press,
    rate_on_a_phone,
    seed_task,
    wait_for,
)
from tests.browser.test_sandbox_launch import open_worklink_as

pytestmark = pytest.mark.browser


def test_the_employer_round_trip(browser: Any, live_server: Any) -> None:
    open_worklink_as(browser, live_server.url, "Amani Okafor")  # the student has launched
    seed_task(live_server.config.database_url)
    place_and_issue_link(browser, live_server.url, "Amani Okafor")
    url = mailed_link(live_server)
    hand_in_work(live_server.config.database_url, "Amani Okafor")
    rate_on_a_phone(browser, url, "Amani Okafor", screenshot="worklink-employer-phone.png",
                    confirm_hours=True)

    # The teacher sees the pending rating, adjusts one criterion with a reason and accepts.
    final = moderate(browser, live_server.url, "Amani Okafor",
                     reason="Presented to the whole team")
    assert "Presented to the whole team" in final and "Lucia Rivera (teacher)" in final
    press(browser, "Placements")
    press(browser, "Employer link")
    press(browser, "Revoke this link")
    wait_for(browser, "No employer link is live")
    press(browser, "Audit log")
    audit = page_text(browser)
    for sentence in ("Lucia Rivera (teacher) issued a rating link to", "The link was opened",
                     "hours worked on", "saved a draft of the rating",
                     "The supervisor submitted the rating through the link",
                     "(employer) submitted the rating", "accepted the employer's rating",
                     "The teacher revoked the link"):
        assert sentence in audit, sentence
    assert "link.issued" not in audit and "rating.accepted" not in audit
    # The rating changed: the accepted row says from what to what, and why.
    accepted = browser.find_element(
        By.XPATH, "//tr[td[contains(., \"accepted the employer's rating\")]]")
    assert "changed from Proficient to Advanced" in accepted.text
    assert "Presented to the whole team" in accepted.text and "Lucia Rivera" in accepted.text
    assert url.split("#")[1] not in browser.page_source
    browser.switch_to.default_content()
    assert console_errors(browser) == []  # the employer's pages and the teacher's

    # A tampered link, a revoked one and an expired one each show their page.
    assert "This link is not valid" in open_as_supervisor(browser, url[:-6])
    engine = make_engine(live_server.config.database_url)
    with Session(engine, expire_on_commit=False) as db:
        link = db.scalar(select(EmployerLink))
        assert link is not None
        # The same link as if it had been issued for one second: its signed expiry has passed.
        link.expires_at = link.issued_at + dt.timedelta(seconds=1)
        expired = issuing.link_url(db, live_server.config, link)
        db.rollback()
    engine.dispose()
    assert "This link was withdrawn by the teacher" in open_as_supervisor(browser, url)
    assert "This link has expired" in open_as_supervisor(browser, expired)
