"""The coverage page of a course like the demo's stays a few screens tall, and every gap is reached.

The course is the demo's: `worklink demo`'s content (Common Core math and O*NET samples, the
Employability Skills, the Career Clusters) with its six task templates placed in it, as the picker
places them. Before the page was grouped it listed 392 rows, one per item, and measured 36,702 px
at 1280 px wide (41 screens of 900 px) and 66,827 px at 390 px (79 screens of 844 px).

The bound, collapsed: three screens on a desktop, five on a phone. Collapsed, the page is the
header, a four-line summary and one line per group (20 groups here); on a phone a group's name
(a Common Core cluster is a sentence) wraps to two or three lines, which the desktop bound
would not allow without cutting names short.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select
from sqlalchemy.orm import Session

from competencies.tasks import library
from competencies.tasks.library import CourseContext
from competencies.tasks.model import Task
from lti_tool.cli.db import load_demo_content
from lti_tool.db import make_engine
from lti_tool.models import Course, Deployment, ResourceLink
from tests.browser.test_sandbox_launch import open_worklink_as
from tests.browser.test_teacher_first_minutes import axe_violations

pytestmark = pytest.mark.browser

SCREENS = {1280: (900, 3), 390: (844, 5)}
"""Width → (the screen's height, how many screens the collapsed page may take)."""


def _demo_course(database_url: str) -> int:
    """The demo's content, and its six templates placed in the sandbox course."""
    engine = make_engine(database_url)
    try:
        with Session(engine) as db:
            load_demo_content(db)
            db.commit()
            course = db.scalar(select(Course).where(Course.title == "WBL Seminar (Sandbox)"))
            assert course is not None
            deployment = db.get(Deployment, course.deployment_id)
            assert deployment is not None
            context = CourseContext(course.id, deployment.id, deployment.registration_id)
            shipped = db.scalars(select(Task.id).where(Task.course_id.is_(None),
                                                       Task.registration_id.is_(None))).all()
            assert len(shipped) == 6
            for n, template_id in enumerate(shipped):
                placed = library.task_to_place(db, context, template_id)
                db.add(ResourceLink(course_id=course.id, resource_link_id=f"demo-{n}",
                                    task_id=placed.id))
            db.commit()
            return course.id
    finally:
        engine.dispose()


def _height(browser: Any) -> int:
    return int(browser.execute_script("return document.documentElement.scrollHeight"))


def _not_covered(browser: Any) -> int:
    """The total the summary table gives, its "Not covered" column added up."""
    cells = browser.find_elements(By.CSS_SELECTOR, ".coverage-summary tbody td:last-child")
    return sum(int(re.sub(r"\D", "", cell.text)) for cell in cells)


def _open_every_group_by_keyboard(browser: Any) -> int:
    """Open each group as a keyboard user does (its summary, Enter); the gap rows now shown."""
    groups = browser.find_elements(By.CSS_SELECTOR, "details.coverage-group")
    assert groups
    shown_gaps = 0
    for group in groups:
        rows = group.find_elements(By.CSS_SELECTOR, "tbody tr")
        assert rows and not any(row.is_displayed() for row in rows), "a group starts open"
        group.find_element(By.TAG_NAME, "summary").send_keys(Keys.ENTER)
        assert group.get_attribute("open") is not None
        assert all(row.is_displayed() for row in rows)
        shown_gaps += sum(1 for row in rows if "gap" in (row.get_attribute("class") or ""))
    return shown_gaps


@pytest.mark.parametrize("width", sorted(SCREENS))
def test_the_demo_courses_coverage_is_short_and_every_gap_opens(
        browser: Any, live_server: Any, width: int) -> None:
    open_worklink_as(browser, live_server.url, "Lucia Rivera")  # the sandbox course exists now
    course_id = _demo_course(live_server.config.database_url)
    screen, screens = SCREENS[width]
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": width, "height": screen, "deviceScaleFactor": 1,
                             "mobile": width < 500})
    url = f"{live_server.url}/teacher/course/{course_id}/coverage"

    browser.get(url)
    collapsed = _height(browser)
    assert collapsed <= screens * screen, f"{collapsed} px at {width} px wide"
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    assert axe_violations(browser) == []
    gaps = _not_covered(browser)
    assert gaps > 100  # the demo's course: O*NET's occupations alone leave many tasks uncovered
    assert _open_every_group_by_keyboard(browser) == gaps
    assert _height(browser) > collapsed + 10 * screen   # the rows were there, behind the groups
    assert axe_violations(browser) == []

    # Only the gaps: the same number, every one a row no task covers.
    browser.find_element(By.PARTIAL_LINK_TEXT, "Show only the").click()
    assert browser.find_element(By.CSS_SELECTOR, ".coverage-filter strong").text
    assert _height(browser) <= screens * screen
    assert _open_every_group_by_keyboard(browser) == gaps
    assert not browser.find_elements(By.CSS_SELECTOR, "details.coverage-group tr.covered")
